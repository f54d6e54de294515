// The derivedFrom query kind: its forms (language, JSON, Tiled filter) and the same answers from every
// backend — in memory, SQLite (json_each), the files catalog (memory evaluation) and PostgreSQL (jsonb
// containment) — alone, under `not`, and joined with other conditions.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import {
  derivedFrom,
  formatQuery,
  parseQuery,
  type Query,
  queryFromJSON,
  queryFromTiledParams,
  queryToJSON,
  queryToTiledParams,
} from "../../src/queries/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { derivedRun, plainRun, uid } from "./derivedRuns.ts";

describe("derived_from in the query forms", () => {
  test("language, JSON and Tiled filter round trips", () => {
    const query = derivedFrom(uid(1));
    assert.deepEqual(parseQuery(`derived_from("${uid(1)}")`), query);
    assert.deepEqual(parseQuery(`derivedFrom("${uid(1)}")`), query);
    assert.equal(formatQuery(query), `derived_from("${uid(1)}")`);
    assert.deepEqual(queryFromJSON(JSON.parse(queryToJSON(query))), query);
    assert.deepEqual(queryFromJSON({ op: "derivedFrom", uid: uid(1) }), query);
    assert.deepEqual(queryFromTiledParams(queryToTiledParams(query)), query);
  });

  test("a call without exactly one uid string is refused naming the function", () => {
    assert.throws(() => parseQuery("derived_from()"), /derived_from takes one run uid/);
    assert.throws(() => parseQuery('derived_from("a", "b")'), /derived_from takes one run uid/);
    assert.throws(() => parseQuery("derived_from(5)"), /takes a run uid as a string/);
    assert.throws(() => queryFromJSON({ op: "derivedFrom", uid: "" }), ValidationError);
    assert.throws(() => queryFromJSON({ op: "derivedFrom" }), ValidationError);
  });
});

// A: plain. B from A. C from B and A (with a stream and range). D: plain, with an unrelated `provenance`-free
// `inputs` key that must not match.
const A = uid(1);
const B = uid(2);
const C = uid(3);
const D = uid(4);

const CASES: Array<[string, Query, string[]]> = [
  ["derived from A", derivedFrom(A), [B, C]],
  ["derived from B", derivedFrom(B), [C]],
  ["derived from C (none)", derivedFrom(C), []],
  ["derived from a uid no run has", derivedFrom(uid(77)), []],
  ["not derived from A", parseQuery(`not derived_from("${A}")`), [A, D]],
  ["derived from A and scan_id 3", parseQuery(`derived_from("${A}") and scan_id == 3`), [C]],
  ["derived from B or plain", parseQuery(`derived_from("${B}") or plan_name == "count"`), [A, C, D]],
  ["a uid prefix is not a uid", derivedFrom(A.slice(0, 8)), []],
  // Full text leaves input uids out (a reader must not probe a hidden uid word by word); D's own
  // `inputs` key is no provenance record, and the record's other strings are words as usual.
  ["full text does not reach input uids", parseQuery('"cafe0002"'), [B]],
  ["full text reaches the record's other strings", parseQuery('"gaussian" and "fitter"'), [B, C]],
];

describe("derived_from answers alike in every backend", () => {
  const root = mkdtempSync(join(tmpdir(), "databroker-derived-from-"));
  const stores: Array<[string, Store]> = [];
  before(async () => {
    stores.push(["memory", await openStore("memory:")]);
    stores.push(["sqlite", await openStore(join(root, "catalog.sqlite"))]);
    stores.push(["files", await openStore(`file://${join(root, "files")}`)]);
    stores.push(["postgres", await openStore(await (await sharedPostgres()).createDatabase())]);
    for (const [, store] of stores) {
      await store.put(plainRun(A, 1));
      await store.put(derivedRun(B, [A], { scan_id: 2 }));
      await store.put(derivedRun(C, [B, { uid: A, stream: "primary", seq: [1, 2] }], { scan_id: 3 }));
      await store.put([
        ...plainRun(D, 4).map(([name, doc]) => [
          name,
          name === "start" ? { ...doc, inputs: [{ uid: A }] } : doc,
        ]),
      ] as never);
    }
  });
  after(async () => {
    for (const [, store] of stores) await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const [what, query, expected] of CASES) {
    test(what, async () => {
      for (const [name, store] of stores) {
        const uids: string[] = [];
        for await (const summary of store.runs(query)) uids.push(summary.uid);
        assert.deepEqual(uids.sort(), [...expected].sort(), name);
        assert.equal(await store.count(query), expected.length, `${name} count`);
      }
    });
  }
});
