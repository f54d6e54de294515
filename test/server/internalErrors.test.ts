// A bug answers 500 with `{"detail": "internal error, id <request id>"}` — no message, path or stack of the
// underlying error — every answer carries its request id in X-Request-ID, and the error is logged with it.
import assert from "node:assert/strict";
import { after, before, describe, mock, test } from "node:test";
import { type CatalogServer, startCatalogServer, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS } from "./readServer.ts";

const SECRET = "/srv/secret/catalog.sqlite: boom";

for (const catalog of READ_CATALOGS) {
  describe(`internal errors over HTTP (${catalog.name})`, () => {
    let server: CatalogServer;
    before(async () => {
      server = await startCatalogServer(catalog);
    });
    after(() => server.close());

    test("every answer carries a fresh X-Request-ID", async () => {
      const first = await fetch(`${server.api}/search/`, { headers: WITH_KEY });
      const second = await fetch(`${server.api}/nowhere`, { headers: WITH_KEY });
      const ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")];
      for (const id of ids) assert.match(id ?? "", /^[0-9a-f-]{36}$/);
      assert.notEqual(ids[0], ids[1]);
    });

    test("a bug answers 500 naming only the request id, and logs the error with it", async () => {
      // The store's put stands for any bug: a plain Error whose message holds a path.
      const store = (server.broker as unknown as { store: { put: (...args: unknown[]) => Promise<unknown> } })
        .store;
      const put = mock.method(store, "put", async () => {
        throw new Error(SECRET);
      });
      const logged = mock.method(console, "error", () => undefined);
      try {
        const response = await fetch(`${server.api}/documents/`, {
          method: "POST",
          headers: { ...WITH_KEY, "content-type": "application/json" },
          body: '[["start",{"uid":"bug","time":1700000000.5}]]',
        });
        const text = await response.text();
        const id = response.headers.get("x-request-id");
        assert.equal(response.status, 500, text);
        assert.deepEqual(JSON.parse(text), { detail: `internal error, id ${id}` });
        assert.doesNotMatch(text, /secret|boom|at /);
        const lines = logged.mock.calls.map((call) => call.arguments.map(String).join(" "));
        assert.ok(
          lines.some((line) => line.includes(`${id}`) && line.includes("boom")),
          lines.join("\n"),
        );
      } finally {
        logged.mock.restore();
        put.mock.restore();
      }
    });
  });
}
