// Derived runs over HTTP with the access matrix's world (../shared/reference/access-control.md §5) on SQLite
// and PostgreSQL: case 22 (an input hidden from the writer refuses the record as a missing one would),
// case 23 (a reader sees the record, an input hidden from them as {inaccessible: true}, and no body of any
// route holds its uid), the provenance and lineage routes (hidden runs 404 as missing ones; a hidden node
// stops the walk).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type AccessWorld, call, MEMBERSHIPS, RUN_SPECS, startAccessWorld } from "../access/accessFixture.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { derivedRun, uid } from "./derivedRuns.ts";

const CATALOGS = [
  { name: "SQLite", uri: (dir: string) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

const R1a = RUN_SPECS.R1a.uid;
const R2 = RUN_SPECS.R2.uid;
const MISSING = "ffff9999-0000-4000-8000-00000000ffff";
/** Made by staffXY in B1a from R1a and R2 (case 23). */
const D1 = uid(1);
/** A chain R1a -> X1 (B1a) -> H (B2, hidden from u1) -> X3 (B1a), all made by staffXY. */
const X1 = uid(11);
const H = uid(12);
const X3 = uid(13);

/** The matrix's memberships, u2 given the ingest role: what refuses its record is then the input alone. */
function memberships() {
  const changed = structuredClone(MEMBERSHIPS);
  changed.users.find((entry) => entry.id === "u2")!.roles = ["ingest"] as never;
  return changed;
}

for (const catalog of CATALOGS) {
  describe(`derived runs over HTTP on ${catalog.name}`, () => {
    let world: AccessWorld;
    const key = (who: string) => world.keys[who];
    const post = (who: string, documents: unknown) =>
      call(`${world.api}/documents/`, { key: key(who), method: "POST", body: documents });
    const get = (who: string, route: string, headers?: Record<string, string>) =>
      call(`${world.api}/${route}`, { key: key(who), headers });

    before(async () => {
      world = await startAccessWorld(catalog.uri, {}, memberships());
      const made = [
        derivedRun(D1, [{ uid: R1a, stream: "primary", seq: [1, 3] }, R2], {
          beamtime: "B1a",
          record: { created_by: "staffXY" },
        }),
        derivedRun(X1, [R1a], { beamtime: "B1a", scan_id: 911 }),
        derivedRun(H, [X1], { beamtime: "B2", scan_id: 912 }),
        derivedRun(X3, [H], { beamtime: "B1a", scan_id: 913 }),
      ];
      for (const documents of made) {
        const answer = await post("staffXY", documents);
        assert.equal(answer.status, 200, answer.text);
      }
    });
    after(() => world.close());

    test("22: u2's record with input R1a (hidden from u2) is a 404 as for a missing input; nothing stored", async () => {
      const hidden = await post("u2", derivedRun(uid(22), [R1a], { beamtime: "B2" }));
      const missing = await post("u2", derivedRun(uid(22), [MISSING], { beamtime: "B2" }));
      assert.equal(hidden.status, 404, hidden.text);
      assert.equal(missing.status, 404, missing.text);
      assert.equal(hidden.body.detail.replace(R1a, "<uid>"), missing.body.detail.replace(MISSING, "<uid>"));
      assert.match(hidden.body.detail, /start\.provenance\.inputs\[0\]\.uid/);
      assert.equal(await world.store.start(uid(22)), undefined, "no record created");
      assert.equal((await get("boss", `metadata/${uid(22)}`)).status, 404);
      // With inputs u2 may read, the same record is stored.
      const allowed = await post("u2", derivedRun(uid(22), [R2, RUN_SPECS.Rpub.uid], { beamtime: "B2" }));
      assert.equal(allowed.status, 200, allowed.text);
    });

    test("a malformed record is a 422 naming the field; created_by must be the writer", async () => {
      const malformed = await post(
        "staffXY",
        derivedRun(uid(24), [{ uid: R1a, seq: [2, 1] } as never], { beamtime: "B1a" }),
      );
      assert.equal(malformed.status, 422, malformed.text);
      assert.match(malformed.body.detail, /start\.provenance\.inputs\[0\]\.seq/);
      assert.ok(malformed.body.findings.some((finding: { rule: string }) => finding.rule === "range"));
      const impostor = await post(
        "staffXY",
        derivedRun(uid(24), [R1a], { beamtime: "B1a", record: { created_by: "pi1" } }),
      );
      assert.equal(impostor.status, 422, impostor.text);
      assert.match(impostor.body.detail, /start\.provenance\.created_by/);
      assert.equal(await world.store.start(uid(24)), undefined);
    });

    test("23: u1 reads D1's record: visible, R2 shown as {inaccessible: true} without its uid", async () => {
      const answer = await get("u1", `provenance/${D1}`);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.uid, D1);
      assert.deepEqual(answer.body.provenance.inputs, [
        { uid: R1a, stream: "primary", seq: [1, 3] },
        { inaccessible: true },
      ]);
      assert.equal(answer.body.provenance.created_by, "staffXY");
      assert.deepEqual(answer.body.provenance.software[0].name, "fitter");
      // Someone who may read R2 sees it.
      const staff = await get("staffXY", `provenance/${D1}`);
      assert.deepEqual(
        staff.body.provenance.inputs.map((input: { uid: string }) => input.uid),
        [R1a, R2],
      );
    });

    test("23: no body any route gives u1 holds R2's uid (metadata, search, documents, containers, provenance, lineage)", async () => {
      const routes: Array<[string, Record<string, string>?]> = [
        [`metadata/${D1}`],
        [`metadata/${D1}`, { accept: "application/x-msgpack" }],
        ["search/?page[limit]=100"],
        ["search/?page[limit]=100", { accept: "application/x-msgpack" }],
        [`search/?filter[derived_from][condition][uid]=${R1a}`],
        [`search/?filter[lookup][condition][key]=${D1}`],
        [`documents/${D1}`],
        [`documents/${D1}?raw=true`],
        [`container/full/${D1}`],
        [`container/full/${D1}?format=json-seq`],
        [`provenance/${D1}`],
        [`provenance/${R1a}`],
        [`lineage/${D1}?direction=both`],
        [`lineage/${R1a}?direction=derived`],
        [`distinct/?metadata=provenance&metadata=plan_name`],
        [`distinct/?metadata=provenance.inputs`],
        [`search/?sort=provenance.inputs`],
      ];
      for (const [route, headers] of routes) {
        const answer = await get("u1", route, headers);
        assert.ok(answer.status < 500, `${route}: ${answer.status} ${answer.text.slice(0, 200)}`);
        assert.ok(!answer.text.includes(R2), `${route} holds R2's uid: ${answer.text.slice(0, 300)}`);
        assert.ok(!answer.text.includes(H), `${route} holds H's uid`);
      }
      // The search and the replay carry the record, redacted, rather than leaving it out.
      const search = await get("u1", "search/?page[limit]=100");
      const item = search.body.data.find((entry: { id: string }) => entry.id === D1);
      assert.deepEqual(item.attributes.metadata.start.provenance.inputs[1], { inaccessible: true });
      const replay = await get("u1", `documents/${D1}`);
      assert.match(replay.text, /"inaccessible":true/);
      // Listing distinct values of, or sorting by, the inputs is refused under access rules.
      assert.equal((await get("u1", "distinct/?metadata=provenance.inputs")).status, 422);
      assert.equal((await get("u1", "search/?sort=provenance")).status, 422);
    });

    test("derived_from finds only the derived runs the searcher may see", async () => {
      const found = async (who: string, input: string) => {
        const answer = await get(who, `search/?filter[derived_from][condition][uid]=${input}`);
        assert.equal(answer.status, 200, answer.text);
        return answer.body.data.map((entry: { id: string }) => entry.id).sort();
      };
      assert.deepEqual(await found("u1", R1a), [D1, X1].sort());
      assert.deepEqual(await found("u1", X1), [], "H is hidden from u1");
      assert.deepEqual(await found("staffXY", X1), [H]);
      // Asking with a uid one already knows tells which visible runs name it, nothing else.
      assert.deepEqual(await found("u1", R2), [D1]);
      assert.deepEqual(await found("u2", R1a), []);
      const provenance = await get("u1", `provenance/${R1a}`);
      assert.deepEqual(
        provenance.body.derived_from.map((entry: { uid: string }) => entry.uid).sort(),
        [D1, X1].sort(),
      );
      assert.equal(provenance.body.provenance, null, "R1a is not derived");
    });

    test("a hidden run answers the provenance and lineage routes exactly as a missing one", async () => {
      for (const route of ["provenance", "lineage"]) {
        const [hidden, missing] = await Promise.all([
          get("u1", `${route}/${R2}`),
          get("u1", `${route}/${MISSING}`),
        ]);
        assert.equal(hidden.status, 404, hidden.text);
        assert.equal(hidden.text.replaceAll(R2, "<uid>"), missing.text.replaceAll(MISSING, "<uid>"));
        assert.equal((await get("u1", `${route}/${R1a.slice(0, 8)}`)).status, 404, "a prefix is not a path");
      }
    });

    test("lineage to depth 3: a hidden middle node is {inaccessible: true} and the walk stops there", async () => {
      const staff = await get("staffXY", `lineage/${X3}?depth=3`);
      assert.equal(staff.status, 200, staff.text);
      assert.deepEqual(
        staff.body.nodes.map((node: { uid: string }) => node.uid),
        [X3, H, X1, R1a],
      );
      assert.deepEqual(staff.body.edges, [
        { from: H, to: X3 },
        { from: X1, to: H },
        { from: R1a, to: X1 },
      ]);
      const shallow = await get("staffXY", `lineage/${X3}?depth=2`);
      assert.deepEqual(
        shallow.body.nodes.map((node: { uid: string }) => node.uid),
        [X3, H, X1],
      );
      const u1 = await get("u1", `lineage/${X3}?depth=3`);
      assert.equal(u1.status, 200, u1.text);
      assert.deepEqual(u1.body, {
        root: X3,
        nodes: [
          { uid: X3, scan_id: 913, plan_name: "fit", time: 1.7e9 + 913, derived: true },
          { inaccessible: true, id: "hidden-1" },
        ],
        edges: [{ from: "hidden-1", to: X3 }],
      });
      // Downstream from R1a, u1 reaches X1 and D1, not H nor what was made from H.
      const downstream = await get("u1", `lineage/${R1a}?direction=derived`);
      assert.deepEqual(
        downstream.body.nodes.map((node: { uid: string }) => node.uid).sort(),
        [R1a, D1, X1].sort(),
      );
      const both = await get("staffXY", `lineage/${H}?direction=both&depth=1`);
      assert.deepEqual(
        both.body.nodes.map((node: { uid: string }) => node.uid),
        [H, X1, X3],
      );
    });

    test("bad lineage parameters are refused naming the parameter", async () => {
      const depth = await get("u1", `lineage/${X3}?depth=-1`);
      assert.equal(depth.status, 422, depth.text);
      assert.match(depth.body.detail, /depth must be a whole number/);
      const direction = await get("u1", `lineage/${X3}?direction=sideways`);
      assert.equal(direction.status, 422, direction.text);
      assert.match(direction.body.detail, /direction must be one of inputs, derived, both/);
    });
  });
}
