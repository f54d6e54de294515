// Annotations over real HTTP on the access matrix's world (../shared/reference/access-control.md §5 cases
// 12, 15, 19–21), on a memory catalog, a real SQLite file and a real PostgreSQL database: who reads which
// annotation, who may edit and delete, revisions and lost-update detection (409), search, counts and tag
// facets that never reveal what the searcher may not read, and Tiled's metadata update routes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { unpack } from "msgpackr";
import { RemoteBroker } from "../../src/client/index.ts";
import { ConflictError, ForbiddenError } from "../../src/errors.ts";
import { type AccessWorld, call, RUN_SPECS, startAccessWorld } from "../access/accessFixture.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

const CATALOGS = [
  { name: "memory", uri: () => "memory:" },
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

const R1a = RUN_SPECS.R1a.uid;
const R2 = RUN_SPECS.R2.uid;
const RANDOM = "aaaa9999-0000-4000-8000-000000000009";

const tagFilter = (tag: string) =>
  `filter[contains][condition][key]=tags&filter[contains][condition][value]=${encodeURIComponent(JSON.stringify(tag))}`;

for (const catalog of CATALOGS) {
  describe(`annotations over HTTP on ${catalog.name}`, () => {
    let world: AccessWorld;
    const key = (user: string) => world.keys[user];
    const annotate = (user: string, run: string, body: unknown) =>
      call(`${world.api}/annotations/${run}`, { key: key(user), method: "POST", body });
    const listed = async (user: string, run: string) => {
      const answer = await call(`${world.api}/annotations/${run}`, { key: key(user) });
      assert.equal(answer.status, 200, answer.text);
      return answer.body.data as Array<{ id: string; body: string; author: string }>;
    };
    const searchCount = async (user: string | undefined, query: string) => {
      const answer = await call(`${world.api}/search/?${query}`, { key: user && key(user) });
      assert.equal(answer.status, 200, answer.text);
      return {
        count: answer.body.meta.count as number,
        ids: answer.body.data.map((item: { id: string }) => item.id),
      };
    };
    before(async () => {
      world = await startAccessWorld(catalog.uri);
    });
    after(() => world.close());

    test("19: u1's private annotation on R1a is hidden from pi1: not listed, not in metadata, search or facets", async () => {
      const made = await annotate("u1", R1a, {
        visibility: "private",
        tags: ["u1-secret"],
        body: "mine alone",
      });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.author, "u1");
      assert.equal(made.body.revision, 1);
      assert.ok((await listed("u1", R1a)).some((each) => each.id === made.body.id));
      assert.ok(!(await listed("pi1", R1a)).some((each) => each.id === made.body.id));
      const metadata = await call(`${world.api}/metadata/${R1a}`, { key: key("pi1") });
      assert.ok(!metadata.text.includes("u1-secret"), "pi1's view of R1a shows nothing of it");
      assert.deepEqual(await searchCount("pi1", tagFilter("u1-secret")), { count: 0, ids: [] });
      assert.deepEqual(await searchCount("u1", tagFilter("u1-secret")), { count: 1, ids: [R1a] });
      const facets = await call(`${world.api}/tags`, { key: key("pi1") });
      assert.ok(!facets.text.includes("u1-secret"));
      const own = await call(`${world.api}/tags`, { key: key("u1") });
      assert.deepEqual(
        own.body.data.find((entry: { tag: string }) => entry.tag === "u1-secret"),
        { tag: "u1-secret", count: 1 },
      );
      const byId = await call(`${world.api}/annotations/${R1a}/${made.body.id}`, { key: key("pi1") });
      assert.equal(byId.status, 404);
      assert.equal(
        (await call(`${world.api}/annotations/${R1a}/${made.body.id}/revisions`, { key: key("pi1") })).status,
        404,
      );
    });

    test("20: u1's shared annotation is read by pi1; u2 cannot read R1a at all (404 as for a random uid)", async () => {
      const made = await annotate("u1", R1a, {
        tags: ["good"],
        body: "sample was misaligned",
        values: { rating: 4 },
      });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.visibility, "beamtime");
      assert.ok((await listed("pi1", R1a)).some((each) => each.id === made.body.id));
      const metadata = await call(`${world.api}/metadata/${R1a}`, { key: key("pi1") });
      assert.ok(
        metadata.body.data.attributes.metadata.annotations.some(
          (each: { id: string }) => each.id === made.body.id,
        ),
      );
      const hidden = await call(`${world.api}/annotations/${R1a}`, { key: key("u2") });
      const missing = await call(`${world.api}/annotations/${RANDOM}`, { key: key("u2") });
      assert.equal(hidden.status, 404);
      assert.equal(hidden.text.replace(R1a, "UID"), missing.text.replace(RANDOM, "UID"));
      assert.equal((await annotate("u2", R1a, { tags: ["x"] })).status, 404);
      assert.deepEqual(await searchCount("u2", tagFilter("good")), { count: 0, ids: [] });
      assert.deepEqual(await searchCount("pi1", tagFilter("good")), { count: 1, ids: [R1a] });
      const rated = await call(
        `${world.api}/search/?filter[comparison][condition][operator]=ge&filter[comparison][condition][key]=annotations.rating&filter[comparison][condition][value]=4`,
        { key: key("pi1") },
      );
      assert.equal(rated.status, 200, rated.text);
      assert.deepEqual(
        rated.body.data.map((item: { id: string }) => item.id),
        [R1a],
      );
    });

    test("a 'users' annotation is read by the listed users who can read the run, no one else", async () => {
      const made = await annotate("u1", R1a, {
        visibility: "users",
        shared_with: ["pi1", "u2"],
        body: "for pi1",
      });
      assert.equal(made.status, 201, made.text);
      assert.ok((await listed("pi1", R1a)).some((each) => each.id === made.body.id));
      assert.ok(!(await listed("staffX", R1a)).some((each) => each.id === made.body.id));
      assert.equal(
        (await call(`${world.api}/annotations/${R1a}`, { key: key("u2") })).status,
        404,
        "u2 cannot read R1a",
      );
      const unknown = await annotate("u1", R1a, { visibility: "users", shared_with: ["nobody"], body: "x" });
      assert.equal(unknown.status, 422);
      assert.match(unknown.body.detail, /shared_with: unknown user/);
    });

    test("21: pi1 may not edit u1's annotation (403) but may delete a shared one (200), never a private one", async () => {
      const shared = await annotate("u1", R1a, { tags: ["to-delete"], body: "shared" });
      const secret = await annotate("u1", R1a, { visibility: "private", body: "private" });
      const edit = await call(`${world.api}/annotations/${R1a}/${shared.body.id}`, {
        key: key("pi1"),
        method: "PATCH",
        body: { body: "pi1 was here", revision: 1 },
      });
      assert.equal(edit.status, 403, edit.text);
      const deleted = await call(`${world.api}/annotations/${R1a}/${shared.body.id}`, {
        key: key("pi1"),
        method: "DELETE",
      });
      assert.equal(deleted.status, 200, deleted.text);
      assert.ok(!(await listed("u1", R1a)).some((each) => each.id === shared.body.id));
      const history = await call(`${world.api}/annotations/${R1a}/${shared.body.id}/revisions`, {
        key: key("u1"),
      });
      assert.equal(history.status, 200, "a deleted annotation's history stays readable to its readers");
      assert.deepEqual(
        history.body.data.map((each: { action: string; actor: string }) => [each.action, each.actor]),
        [
          ["create", "u1"],
          ["delete", "pi1"],
        ],
      );
      const notHers = await call(`${world.api}/annotations/${R1a}/${secret.body.id}`, {
        key: key("pi1"),
        method: "DELETE",
      });
      assert.equal(notHers.status, 404);
      const staffDelete = await call(`${world.api}/annotations/${R1a}/${secret.body.id}`, {
        key: key("boss"),
        method: "DELETE",
      });
      assert.equal(staffDelete.status, 404, "an admin does not read others' private annotations either");
      const u2Shared = await annotate("staffX", R1a, { tags: ["staff-note"] });
      assert.equal(u2Shared.status, 201);
      const byU1 = await call(`${world.api}/annotations/${R1a}/${u2Shared.body.id}`, {
        key: key("u1"),
        method: "DELETE",
      });
      assert.equal(byU1.status, 403, "a plain member deletes only their own");
      const byAdmin = await call(`${world.api}/annotations/${R1a}/${u2Shared.body.id}`, {
        key: key("boss"),
        method: "DELETE",
      });
      assert.equal(byAdmin.status, 200);
    });

    test("12 and 15: anonymous callers get 401; a key scoped read:metadata gets 403", async () => {
      const anonymous = await call(`${world.api}/annotations/${R1a}`, {
        method: "POST",
        body: { body: "x" },
      });
      assert.equal(anonymous.status, 401);
      const made = await call(`${world.api}/auth/apikey`, {
        key: key("u1"),
        method: "POST",
        body: { scopes: ["read:metadata"] },
      });
      assert.equal(made.status, 200, made.text);
      const narrow = await call(`${world.api}/annotations/${R1a}`, {
        key: made.body.secret,
        method: "POST",
        body: { body: "x" },
      });
      assert.equal(narrow.status, 403);
      assert.equal((await call(`${world.api}/annotations/${R1a}`, { key: made.body.secret })).status, 200);
    });

    test("edits make revisions; a stale revision is 409, none is 428, and nothing is lost", async () => {
      const made = await annotate("u1", R1a, { tags: ["rev"], body: "first" });
      const url = `${world.api}/annotations/${R1a}/${made.body.id}`;
      const first = await call(url, {
        key: key("u1"),
        method: "PATCH",
        body: { body: "second", revision: 1 },
      });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.revision, 2);
      const stale = await call(url, {
        key: key("u1"),
        method: "PATCH",
        body: { body: "lost?", revision: 1 },
      });
      assert.equal(stale.status, 409, stale.text);
      const none = await call(url, { key: key("u1"), method: "PATCH", body: { body: "blind" } });
      assert.equal(none.status, 428, none.text);
      const ifMatch = await call(url, {
        key: key("u1"),
        method: "PATCH",
        body: { tags: ["rev", "third"] },
        headers: { "if-match": '"2"' },
      });
      assert.equal(ifMatch.status, 200, ifMatch.text);
      const read = await call(url, { key: key("u1") });
      assert.equal(read.body.body, "second");
      assert.deepEqual(read.body.tags, ["rev", "third"]);
      const history = await call(`${url}/revisions`, { key: key("u1") });
      assert.deepEqual(
        history.body.data.map((each: { revision: number; action: string; annotation: { body: string } }) => [
          each.revision,
          each.action,
          each.annotation.body,
        ]),
        [
          [1, "create", "first"],
          [2, "edit", "second"],
          [3, "edit", "second"],
        ],
      );
      // Two writers at once from revision 3: exactly one wins.
      const racing = await Promise.all(
        ["a", "b"].map((body) => call(url, { key: key("u1"), method: "PATCH", body: { body, revision: 3 } })),
      );
      assert.deepEqual(racing.map((answer) => answer.status).sort(), [200, 409]);
    });

    test("bad input is refused whole with the field and the rule", async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ visibility: "public", body: "x" }, /visibility/],
        [{ tags: "good" }, /tags/],
        [{ body: "x", values: { body: 1 } }, /values\.body/],
        [{ body: "x", colour: "red" }, /colour/],
        [{}, /says nothing/],
        [{ body: "x", target: { field: "det" } }, /target\.field/],
        [[1, 2], /object/],
      ];
      for (const [body, pattern] of cases) {
        const answer = await annotate("u1", R1a, body);
        assert.equal(answer.status, 422, `${JSON.stringify(body)}: ${answer.text}`);
        assert.match(answer.body.detail, pattern);
      }
      const broken = await call(`${world.api}/annotations/${R1a}`, {
        key: key("u1"),
        method: "POST",
        body: "{not json",
      });
      assert.equal(broken.status, 400);
    });

    test("the Python client's update_metadata: a json-patch PATCH of /metadata adds, edits and deletes annotations", async () => {
      // What tiled's client sends (base.py patch_metadata): Content-Type application/json, the patch inside.
      const patch = (user: string, ops: unknown, extra: Record<string, unknown> = {}) =>
        call(`${world.api}/metadata/${R1a}`, {
          key: key(user),
          method: "PATCH",
          body: {
            "content-type": "application/json-patch+json",
            metadata: ops,
            specs: null,
            access_blob: null,
            ...extra,
          },
        });
      const added = await patch("u1", [
        { op: "add", path: "/annotations/-", value: { tags: ["from-python"], body: "via update_metadata" } },
      ]);
      assert.equal(added.status, 200, added.text);
      const mine = added.body.metadata.annotations.find(
        (each: { body: string }) => each.body === "via update_metadata",
      );
      assert.ok(mine, "the answer holds the new annotation with its id");
      const index = added.body.metadata.annotations.indexOf(mine);
      const edited = await patch("u1", [
        { op: "replace", path: `/annotations/${index}/body`, value: "edited via python" },
      ]);
      assert.equal(edited.status, 200, edited.text);
      assert.equal(edited.body.metadata.annotations[index].body, "edited via python");
      const immutable = await patch("u1", [{ op: "replace", path: "/start/plan_name", value: "rewritten" }]);
      assert.equal(immutable.status, 422);
      assert.match(immutable.body.detail, /immutable/);
      const wrongType = await patch("u1", [], { "content-type": "text/plain" });
      assert.equal(wrongType.status, 406);
      const stream = await call(`${world.api}/metadata/${R1a}/primary`, {
        key: key("u1"),
        method: "PATCH",
        body: { "content-type": "application/json-patch+json", metadata: [] },
      });
      assert.equal(stream.status, 405);
      const merged = await call(`${world.api}/metadata/${R1a}`, {
        key: key("u1"),
        method: "PATCH",
        body: {
          "content-type": "application/merge-patch+json",
          metadata: { annotations: [...edited.body.metadata.annotations, { tags: ["merge"] }] },
        },
      });
      assert.equal(merged.status, 200, merged.text);
      assert.ok(
        merged.body.metadata.annotations.some((each: { tags: string[] }) => each.tags.includes("merge")),
      );
      const others = merged.body.metadata.annotations.filter(
        (each: { author: string }) => each.author !== "u1",
      );
      const deleteOthers = await patch(
        "u1",
        others
          .map(() => ({
            op: "remove",
            path: `/annotations/${merged.body.metadata.annotations.indexOf(others[0])}`,
          }))
          .slice(0, 1),
      );
      if (others.length > 0) assert.equal(deleteOthers.status, 403, "u1 deletes only their own");
      const dropped = await patch("u1", [], {});
      assert.equal(dropped.status, 200);
      const dropRevision = await call(`${world.api}/metadata/${R1a}?drop_revision=true`, {
        key: key("u1"),
        method: "PATCH",
        body: { "content-type": "application/json-patch+json", metadata: [] },
      });
      assert.equal(dropRevision.status, 422);
      // What metadata_revisions sends: the count with page[limit]=0, then one revision by offset.
      const length = await call(`${world.api}/revisions/${R1a}?page[offset]=0&page[limit]=0`, {
        key: key("u1"),
      });
      assert.equal(length.status, 200, length.text);
      assert.ok(length.body.meta.count >= 3);
      // The client asks for msgpack (MetadataRevisions sends Accept: application/x-msgpack).
      const packed = await fetch(`${world.api}/revisions/${R1a}?page[offset]=0&page[limit]=1`, {
        headers: { authorization: `Apikey ${key("u1")}`, accept: "application/x-msgpack" },
      });
      assert.equal(packed.headers.get("content-type"), "application/x-msgpack");
      const one = unpack(new Uint8Array(await packed.arrayBuffer()));
      assert.equal(one.data.length, 1);
      assert.equal(one.data[0].revision_number, 1);
      assert.ok(one.data[0].attributes.metadata.annotation.id);
      assert.equal(typeof one.data[0].attributes.time_updated, "string");
      assert.equal(one.meta.count, length.body.meta.count);
      // A slice follows links.next to the end, where it is null.
      let next: string | null = `${world.api}/revisions/${R1a}?page[offset]=0&page[limit]=2`;
      let walked = 0;
      while (next) {
        const page = await call(next, { key: key("u1") });
        walked += page.body.data.length;
        next = page.body.links.next;
      }
      assert.equal(walked, length.body.meta.count);
      assert.equal((await call(`${world.api}/revisions/${R2}`, { key: key("u1") })).status, 404);
    });

    test("the TypeScript client reads and changes annotations with the server's rules", async () => {
      const remote = await RemoteBroker.connect(world.api, { apiKey: key("u1") });
      const run = await remote.run(R1a);
      const made = await run.annotations().create({ tags: ["from-ts"], values: { rating: 5 } });
      assert.equal(made.author, "u1");
      const edited = await run.annotations().edit(made.id, { body: "checked" }, made.revision);
      assert.equal(edited.revision, 2);
      await assert.rejects(run.annotations().edit(made.id, { body: "stale" }, 1), ConflictError);
      assert.deepEqual(
        (await run.annotations().revisions(made.id)).map((each) => each.action),
        ["create", "edit"],
      );
      assert.ok((await remote.tags()).some((entry) => entry.tag === "from-ts"));
      const found = await remote.search('tags contains "from-ts" and annotations.rating == 5').count();
      assert.equal(found, 1);
      const asPi = await RemoteBroker.connect(world.api, { apiKey: key("pi1") });
      await assert.rejects(
        (await asPi.run(R1a)).annotations().edit(made.id, { body: "x" }, 2),
        ForbiddenError,
      );
      await (await asPi.run(R1a)).annotations().delete(made.id);
      assert.ok(!(await run.annotations().list()).some((each) => each.id === made.id));
    });

    test("PUT (replace_metadata) replaces the caller's annotation list; leaving the documents out keeps them", async () => {
      const before = await call(`${world.api}/metadata/${R1a}`, { key: key("pi1") });
      const kept = before.body.data.attributes.metadata.annotations.filter(
        (each: { author: string }) => each.author !== "pi1",
      );
      const replaced = await call(`${world.api}/metadata/${R1a}`, {
        key: key("pi1"),
        method: "PUT",
        body: { metadata: { annotations: [...kept, { tags: ["pi1-put"], body: "replaced" }] }, specs: null },
      });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.body.metadata.start.uid, R1a);
      assert.ok(
        replaced.body.metadata.annotations.some((each: { tags: string[] }) => each.tags.includes("pi1-put")),
      );
    });
  });
}
