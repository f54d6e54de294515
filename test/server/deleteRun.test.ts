// DELETE /api/v1/metadata/<uid> on SQLite and PostgreSQL: only a writer deletes (anonymous 401 even on a
// public server, a cookie 403), 204 then 404, the run gone from search and metadata, the audit record names
// the principal and the reason; below a run (a stream) the method is not allowed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { type CatalogServer, KEY, startCatalogServer, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS } from "./readServer.ts";

function smallRun(plan_name: string): { uid: string; documents: DocumentPair[] } {
  const run = composeRun({ plan_name, scan_id: 5 });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
    ["event", stream.composeEvent({ data: { x: 1 }, timestamps: { x: 1.7e9 } })],
    ["stop", run.composeStop({ exit_status: "success" })],
  ];
  return { uid: run.start.uid, documents };
}

function remove(server: CatalogServer, path: string, headers: Record<string, string> = WITH_KEY) {
  return fetch(`${server.api}/metadata/${path}`, { method: "DELETE", headers });
}

for (const catalog of READ_CATALOGS) {
  describe(`DELETE /api/v1/metadata/<uid> (${catalog.name})`, () => {
    let closed: CatalogServer;
    let open: CatalogServer;
    before(async () => {
      closed = await startCatalogServer(catalog);
      open = await startCatalogServer(catalog, { apiKey: KEY, public: true });
    });
    after(async () => {
      await closed.close();
      await open.close();
    });

    test("anonymous callers get 401, on a public server too; a cookie gets 403; nothing deleted", async () => {
      for (const server of [closed, open]) {
        const { uid, documents } = smallRun("kept");
        await server.broker.store.put(documents);
        assert.equal((await remove(server, uid, {})).status, 401);
        assert.equal((await remove(server, uid, { authorization: "Apikey wrong_key_123456" })).status, 401);
        const cookie = await remove(server, uid, { cookie: `tiled_api_key=${KEY}` });
        assert.equal(cookie.status, 403);
        assert.ok(await server.broker.store.start(uid));
        assert.deepEqual(await server.broker.store.deletions(), []);
      }
    });

    test("a writer deletes: 204, then the run is 404 everywhere, and the audit names who and why", async () => {
      const { uid, documents } = smallRun("doomed");
      const kept = smallRun("kept-too");
      await closed.broker.store.put(documents);
      await closed.broker.store.put(kept.documents);
      const answer = await remove(closed, `${uid}?reason=${encodeURIComponent("bad time, see issue 11")}`);
      assert.equal(answer.status, 204);
      assert.equal(await answer.text(), "");
      assert.equal((await fetch(`${closed.api}/metadata/${uid}`, { headers: WITH_KEY })).status, 404);
      assert.equal((await remove(closed, uid)).status, 404);
      const search = (await (await fetch(`${closed.api}/search/`, { headers: WITH_KEY })).json()) as {
        data: Array<{ id: string }>;
      };
      assert.ok(!search.data.some((item) => item.id === uid));
      assert.ok(search.data.some((item) => item.id === kept.uid));
      const [record] = (await closed.broker.store.deletions()).filter((entry) => entry.uid === uid);
      assert.deepEqual(
        [record.scan_id, record.plan_name, record.deleted_by, record.reason],
        [5, "doomed", "single-user", "bad time, see issue 11"],
      );
    });

    test("an unknown uid is 404; a stream of a run is 405 and deletes nothing", async () => {
      assert.equal((await remove(closed, "no-such-run-at-all")).status, 404);
      const { uid, documents } = smallRun("streams");
      await closed.broker.store.put(documents);
      assert.equal((await remove(closed, `${uid}/primary`)).status, 405);
      assert.ok(await closed.broker.store.start(uid));
    });
  });
}
