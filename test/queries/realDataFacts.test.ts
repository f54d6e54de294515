// Queries on the 53 runs of apstools.json, on every adapter, against facts computed here straight from the
// documents with plain JavaScript (not with the query code): counts by plan_name, scan_id lookups and their
// duplicates, a day in Chicago time (where the APS is), full text, descriptor keys and uid prefixes.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import {
  fullText,
  key,
  parseQuery,
  partialUid,
  type Query,
  scanId,
  scanIdRange,
  timeRange,
} from "../../src/queries/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { dataPath } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

const root = mkdtempSync(join(tmpdir(), "databroker-query-facts-"));
after(() => rmSync(root, { recursive: true, force: true }));

const ADAPTERS: Array<[string, () => Promise<Store>]> = [
  ["memory", () => openStore("memory:")],
  ["sqlite", () => openStore(`sqlite://${join(root, "apstools.sqlite")}`)],
  ["files", () => openStore(`file://${join(root, "apstools-files")}`)],
  ["postgres", async () => openStore(await (await sharedPostgres()).createDatabase())],
];

const pairs: DocumentPair[] = [];
let starts: RunStart[] = [];

before(async () => {
  for await (const pair of readDocuments(dataPath("apstools/tests/apstools.json"))) pairs.push(pair);
  starts = pairs.filter(([name]) => name === "start").map(([, doc]) => doc as RunStart);
});

/** Newest first by time, ties by uid: the order "latest" means. */
function newestFirst(runs: RunStart[]): RunStart[] {
  return [...runs].sort((a, b) => b.time - a.time || (a.uid < b.uid ? -1 : 1));
}

const uidsOf = (runs: RunStart[]) => runs.map((run) => run.uid).sort();

for (const [name, open] of ADAPTERS) {
  describe(`apstools.json on the ${name} adapter`, () => {
    let store: Store;
    before(async () => {
      store = await open();
      // The file holds many runs: put them one run at a time, as ingest does.
      let run: DocumentPair[] = [];
      for (const pair of pairs) {
        if (pair[0] === "start" && run.length > 0) {
          await store.put(run);
          run = [];
        }
        run.push(pair);
      }
      await store.put(run);
    });
    after(() => store.close());

    async function found(query: Query): Promise<string[]> {
      const uids: string[] = [];
      for await (const summary of store.runs(query)) uids.push(summary.uid);
      return uids.sort();
    }

    it("counts runs by plan_name", async () => {
      assert.equal(starts.length, 53);
      const byPlan = new Map<string, number>();
      for (const start of starts)
        byPlan.set(start.plan_name as string, (byPlan.get(start.plan_name as string) ?? 0) + 1);
      assert.deepEqual(
        await store.distinct("plan_name"),
        [...byPlan].sort(([a], [b]) => (a < b ? -1 : 1)).map(([value, count]) => ({ value, count })),
      );
      for (const [plan, count] of byPlan) assert.equal(await store.count(key("plan_name").eq(plan)), count);
      assert.equal(await store.count(key("plan_name").ne("scan")), byPlan.get("count"));
    });

    it("finds runs by scan_id: the newest, all of them, or an error for duplicates", async () => {
      const withOne = starts.filter((start) => start.scan_id === 1);
      assert.ok(withOne.length > 1);
      assert.deepEqual(await found(scanId(1)), [newestFirst(withOne)[0].uid]);
      assert.deepEqual(await found(scanId(1, { duplicates: "all" })), uidsOf(withOne));
      await assert.rejects(() => store.count(scanId(1, { duplicates: "error" })), ValidationError);
      const unique = starts.find(
        (start) => starts.filter((other) => other.scan_id === start.scan_id).length === 1,
      )!;
      assert.deepEqual(await found(scanId(unique.scan_id as number, { duplicates: "error" })), [unique.uid]);
      // A range: the newest run of each scan_id in [1, 100).
      const inRange = starts.filter(
        (start) => (start.scan_id as number) >= 1 && (start.scan_id as number) < 100,
      );
      const newestPerId = new Map<number, RunStart>();
      for (const start of newestFirst(inRange))
        if (!newestPerId.has(start.scan_id as number)) newestPerId.set(start.scan_id as number, start);
      assert.deepEqual(await found(scanIdRange(1, 100)), uidsOf([...newestPerId.values()]));
      // Within a narrower search, "latest" is the newest among its runs.
      const counts = newestFirst(withOne.filter((start) => start.plan_name === "count"));
      assert.deepEqual(
        await found(key("plan_name").eq("count").and(scanId(1))),
        counts.length ? [counts[0].uid] : [],
      );
    });

    it("selects a day in Chicago time, half-open", async () => {
      // 2019-04-11 in Chicago is CDT (UTC-5): [05:00 UTC on the 11th, 05:00 UTC on the 12th).
      const since = Date.UTC(2019, 3, 11, 5) / 1000;
      const until = Date.UTC(2019, 3, 12, 5) / 1000;
      const expected = starts.filter((start) => start.time >= since && start.time < until);
      assert.ok(expected.length > 0 && expected.length < starts.length);
      const range = timeRange({ since: "2019-04-11", until: "2019-04-12", timezone: "America/Chicago" });
      assert.deepEqual(await found(range), uidsOf(expected));
      assert.deepEqual(
        await found(
          parseQuery('time >= "2019-04-11" and time < "2019-04-12"', { timezone: "America/Chicago" }),
        ),
        uidsOf(expected),
      );
    });

    it("searches the full text of the start documents", async () => {
      const wordsOf = (start: RunStart) =>
        new Set(
          JSON.stringify(Object.values(start).filter((value) => typeof value === "string"))
            .toLowerCase()
            .split(/[^a-z0-9]+/),
        );
      for (const text of ["foil", "AL FOIL", "deionized", "water blank"]) {
        const words = text.toLowerCase().split(" ");
        const expected = starts.filter((start) => words.every((word) => wordsOf(start).has(word)));
        assert.ok(expected.length > 0, text);
        assert.deepEqual(await found(fullText(text)), uidsOf(expected), text);
      }
      assert.deepEqual(await found(fullText("fo")), []);
    });

    it("reaches descriptors, stop documents and uid prefixes", async () => {
      const runsWith = (predicate: (doc: Record<string, unknown>) => boolean, documentName: string) =>
        [
          ...new Set(
            pairs
              .filter(([name, doc]) => name === documentName && predicate(doc as Record<string, unknown>))
              .map(([, doc]) => (doc as { run_start: string }).run_start),
          ),
        ].sort();
      assert.deepEqual(
        await found(key("descriptors.name").eq("primary")),
        runsWith((doc) => doc.name === "primary", "descriptor"),
      );
      assert.deepEqual(
        await found(key("descriptors.name").missing()),
        uidsOf(starts.filter((start) => !runsWith(() => true, "descriptor").includes(start.uid))),
      );
      assert.deepEqual(
        await found(key("stop.exit_status").eq("success")),
        runsWith((doc) => doc.exit_status === "success", "stop"),
      );
      const one = starts[17];
      assert.deepEqual(await found(partialUid(one.uid.slice(0, 8))), [one.uid]);
      assert.deepEqual(
        await found(parseQuery(`partialUid("${one.uid.slice(0, 8)}") or plan_name == "nothing"`)),
        [one.uid],
      );
    });

    it("answers the query language", async () => {
      const expected = starts.filter(
        (start) => start.plan_name === "scan" && (start.scan_id as number) >= 100,
      );
      assert.deepEqual(await found(parseQuery('plan_name == "scan" and scan_id >= 100')), uidsOf(expected));
      const notBlank = starts.filter(
        (start) => start.Sample_Name !== undefined && start.Sample_Name !== "Water Blank",
      );
      assert.deepEqual(await found(parseQuery('Sample_Name != "Water Blank"')), uidsOf(notBlank));
      assert.deepEqual(
        await found(parseQuery('Scan_Type =~* "^step_scan$"')),
        uidsOf(starts.filter((start) => /^step_scan$/i.test(String(start.Scan_Type)))),
      );
      assert.deepEqual(
        await found(parseQuery('Scan_Type like "Step%"')),
        uidsOf(starts.filter((start) => String(start.Scan_Type).startsWith("Step"))),
      );
      assert.deepEqual(
        await found(parseQuery('detectors contains "noisy_det"')),
        uidsOf(starts.filter((start) => (start.detectors as string[] | undefined)?.includes("noisy_det"))),
      );
    });
  });
}
