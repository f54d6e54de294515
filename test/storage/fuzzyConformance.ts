// The fuzzy-search part of the Store conformance suite: `fuzzy` queries answer as in-memory evaluation does on
// every backend (typos, words with digits, non-ASCII words, under not / or), and the vocabulary follows the
// runs: a deleted run's words stop matching, stored again they match again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matches } from "../../src/queries/matches.ts";
import type { Query } from "../../src/queries/Query.ts";
import type { Store } from "../../src/storage/Store.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

type Open = () => Promise<Store>;

const METADATA: Array<Record<string, unknown>> = [
  { plan_name: "count", sample: "silicon wafer", operator: "Alice Johnson" },
  { plan_name: "scan", sample: "germanium", purpose: "temperature dependence" },
  { plan_name: "rel_scan", sample: "Straße Ünïcode", detector: "sample42" },
  { plan_name: "grid_scan", sample: "silicone rubber", purpose: "temperatures" },
];

const fuzzy = (text: string): Query => ({ op: "fuzzy", text });

/** Queries and the runs (indexes into METADATA) they find. */
const CASES: Array<[Query, number[]]> = [
  [fuzzy("silcon"), [0, 3]],
  [fuzzy("silicon"), [0, 3]],
  [fuzzy("silicon wafr"), [0]],
  [fuzzy("germanum"), [1]],
  [fuzzy("tempreture"), [1, 3]],
  [fuzzy("Alice Jonson"), [0]],
  [fuzzy("strasse"), [2]],
  [fuzzy("STRASE unicode"), [2]],
  [fuzzy("sample42"), [2]],
  [fuzzy("sample43"), []],
  [fuzzy("xylophone"), []],
  [fuzzy("grdi_scan"), [3]],
  [fuzzy("silicon wfaer"), []],
  [{ op: "not", query: fuzzy("silcon") }, [1, 2]],
  [{ op: "or", queries: [fuzzy("germanum"), { op: "eq", key: "plan_name", value: "count" }] }, [0, 1]],
  [{ op: "and", queries: [fuzzy("tempreture"), { op: "eq", key: "plan_name", value: "scan" }] }, [1]],
];

export function fuzzyConformance(open: Open): void {
  test("fuzzy queries give the answers of in-memory evaluation; a deleted run's words stop matching", async () => {
    const runs = METADATA.map((meta, i) => smallRun(meta, 1, 2_000 + i));
    const store = await open();
    try {
      for (const run of runs) await store.put(run.documents);
      for (const [query, expected] of CASES) {
        const found = (await collect(store.runs(query))).map((summary) => summary.uid);
        assert.deepEqual(found, expected.map((i) => runs[i].uid).reverse(), JSON.stringify(query));
        assert.equal(await store.count(query), expected.length, JSON.stringify(query));
        const reference = runs.filter((run) => matches(query, { start: run.documents[0][1], stop: null }));
        assert.deepEqual(new Set(found), new Set(reference.map((run) => run.uid)), JSON.stringify(query));
      }
      await store.deleteRun(runs[1].uid, { by: "tester" });
      assert.equal(await store.count(fuzzy("germanum")), 0);
      assert.equal(await store.count(fuzzy("tempreture")), 1, "a word another run holds stays");
      await store.put(runs[1].documents);
      assert.equal(await store.count(fuzzy("germanum")), 1, "stored again, its words are found again");
    } finally {
      await store.close();
    }
  });
}
