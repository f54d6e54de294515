// Broker lookups, searches, counts, pages and sorts on the 53 runs of apstools.json (plus two runs whose uids
// share a prefix), on every adapter, against answers worked out here from the start documents.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { BrokerLike, RunLike } from "../../src/broker/BrokerLike.ts";
import { runFromText } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { ADAPTERS, brokerWith, closeAll, runsOf, storeOf } from "./catalogs.ts";

async function uids(runs: AsyncIterable<RunLike>): Promise<string[]> {
  const out: string[] = [];
  for await (const run of runs) out.push(run.uid);
  return out;
}

/** Two runs whose uids share their first 8 characters, so that a 5-character prefix is ambiguous. */
function twins(): DocumentPair[][] {
  return ["1111", "2222"].map((tail, i) => {
    const run = composeRun(
      { plan_name: "twin", scan_id: 500 + i },
      { uid: `abcdef12-${tail}-4000-8000-000000000000`, time: 1_500_000_000 + i },
    );
    return [
      ["start", run.start],
      ["stop", run.composeStop()],
    ] as DocumentPair[];
  });
}

const byNewest = (a: RunStart, b: RunStart) =>
  b.time - a.time || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
const byUid = (a: RunStart, b: RunStart) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);

for (const adapter of ADAPTERS) {
  describe(`Broker lookups (${adapter.name})`, () => {
    let broker: BrokerLike;
    let starts: RunStart[];
    let newest: RunStart[];
    let runs: DocumentPair[][];

    before(async () => {
      runs = [...(await runsOf("apstools/tests/apstools.json")), ...twins()];
      starts = runs.map((documents) => documents[0][1] as RunStart);
      newest = [...starts].sort(byNewest);
      broker = await brokerWith(adapter, runs);
    });
    after(() => closeAll(broker));

    test("-1 is the most recent run and -N the N-th most recent", async () => {
      assert.equal(starts.length, 55);
      assert.equal((await broker.run(-1)).uid, newest[0].uid);
      assert.equal((await broker.run(-7)).uid, newest[6].uid);
      assert.equal((await broker.run(-55)).uid, newest[54].uid);
      await assert.rejects(broker.run(-56), NotFoundError);
      await assert.rejects(broker.run(0), ValidationError);
    });

    test("a positive number is a scan_id; with duplicates the newest run having it wins", async () => {
      const withOne = starts.filter((start) => start.scan_id === 1).sort(byNewest);
      assert.ok(withOne.length > 3, "apstools.json repeats scan_id 1");
      const run = await broker.run(1);
      assert.equal(run.uid, withOne[0].uid);
      assert.equal(run.start.scan_id, 1);
      assert.equal((await broker.run(132)).uid, starts.find((start) => start.scan_id === 132)!.uid);
      await assert.rejects(broker.run(99_999), NotFoundError);
    });

    test("a full uid, or a unique prefix of at least 5 characters", async () => {
      const target = starts[17];
      assert.deepEqual((await broker.run(target.uid)).start, target);
      const prefix = target.uid.slice(0, 6);
      assert.equal(starts.filter((start) => start.uid.startsWith(prefix)).length, 1);
      assert.equal((await broker.run(prefix)).uid, target.uid);
      await assert.rejects(broker.run(target.uid.slice(0, 4)), NotFoundError);
      await assert.rejects(broker.run("zzzzzzzz"), NotFoundError);
    });

    test("an ambiguous prefix is an error naming the runs it matches", async () => {
      await assert.rejects(broker.run("abcdef"), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.match(error.message, /abcdef12-1111-4000-8000-000000000000/);
        assert.match(error.message, /abcdef12-2222-4000-8000-000000000000/);
        return true;
      });
      assert.equal((await broker.run("abcdef12-2")).start.scan_id, 501);
    });

    test("iteration, recent(n), pages and count, newest first", async () => {
      assert.equal(await broker.count(), 55);
      assert.deepEqual(
        await uids(broker),
        newest.map((start) => start.uid),
      );
      assert.deepEqual(
        await uids(broker.recent(3)),
        newest.slice(0, 3).map((start) => start.uid),
      );
      const page = await broker.page({ offset: 10, limit: 5 });
      assert.deepEqual(
        page.map((run) => run.uid),
        newest.slice(10, 15).map((start) => start.uid),
      );
      assert.deepEqual(await uids(broker.runs({ offset: 54, limit: 10 })), [newest[54].uid]);
      await assert.rejects(broker.runs({ limit: -1 }).next(), ValidationError);
    });

    test("sorting by any metadata key, ascending or descending, ties by uid", async () => {
      const byScanId = [...starts].sort((a, b) => (a.scan_id ?? 0) - (b.scan_id ?? 0) || byUid(a, b));
      assert.deepEqual(
        await uids(broker.runs({ sort: "scan_id", limit: 12 })),
        byScanId.slice(0, 12).map((start) => start.uid),
      );
      const byPlanThenOldest = [...starts].sort(
        (a, b) => String(b.plan_name).localeCompare(String(a.plan_name)) || a.time - b.time || byUid(a, b),
      );
      assert.deepEqual(
        await uids(
          broker.runs({
            sort: [
              { key: "plan_name", direction: "desc" },
              { key: "time", direction: "asc" },
            ],
          }),
        ),
        byPlanThenOldest.map((start) => start.uid),
      );
    });

    test("search narrows; searches compose; lookups stay within the search", async () => {
      const counts = broker.search({ op: "eq", key: "plan_name", value: "count" });
      const countStarts = newest.filter((start) => start.plan_name === "count");
      assert.equal(await counts.count(), countStarts.length);
      assert.deepEqual(
        await uids(counts),
        countStarts.map((start) => start.uid),
      );
      assert.equal((await counts.run(-1)).uid, countStarts[0].uid);
      assert.equal((await counts.run(-3)).uid, countStarts[2].uid);

      const late = counts.search({ op: "comparison", key: "scan_id", operator: "ge", value: 110 });
      const lateStarts = countStarts.filter((start) => (start.scan_id ?? 0) >= 110);
      assert.ok(lateStarts.length > 0 && lateStarts.length < countStarts.length);
      assert.equal(await late.count(), lateStarts.length);
      assert.deepEqual(
        await uids(late),
        lateStarts.map((start) => start.uid),
      );

      // scan_id 1 belongs to `scan` runs only: within the `count` runs it does not exist.
      await assert.rejects(counts.run(1), NotFoundError);
      const scans = broker.search({ op: "eq", key: "plan_name", value: "scan" });
      assert.equal((await scans.run(1)).uid, (await broker.run(1)).uid);
      const outside = newest.find((start) => start.plan_name === "scan")!;
      await assert.rejects(counts.run(outside.uid), NotFoundError);
      await assert.rejects(counts.run(outside.uid.slice(0, 8)), NotFoundError);
      assert.equal((await scans.run(outside.uid.slice(0, 8))).uid, outside.uid);
      const twinsOnly = broker.search({ op: "eq", key: "plan_name", value: "twin" });
      await assert.rejects(twinsOnly.run("abcde"), ValidationError);
      assert.equal((await twinsOnly.run(-1)).start.scan_id, 501);
      assert.equal((await twinsOnly.run(500)).uid, "abcdef12-1111-4000-8000-000000000000");
    });

    test("query-language searches and distinct values with counts", async () => {
      const text = broker.search('plan_name == "count" and scan_id >= 110');
      const expected = newest.filter((start) => start.plan_name === "count" && (start.scan_id ?? 0) >= 110);
      assert.deepEqual(
        await uids(text),
        expected.map((start) => start.uid),
      );
      assert.throws(() => broker.search("plan_name == "), ValidationError);

      const plans = new Map<string, number>();
      for (const start of starts) plans.set(start.plan_name!, (plans.get(start.plan_name!) ?? 0) + 1);
      const byName = [...plans.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      assert.deepEqual(
        await broker.distinct("plan_name", { counts: true }),
        byName.map(([value, count]) => ({ value, count })),
      );
      assert.deepEqual(
        await broker.distinct("plan_name"),
        byName.map(([value]) => value),
      );
      const lateScanIds = [...new Set(expected.map((start) => start.scan_id))].sort((a, b) => a! - b!);
      assert.deepEqual(await text.distinct("scan_id"), lateScanIds);

      // A descriptor key counts each run holding the value once.
      const streamRuns = new Map<string, number>();
      for (const documents of runs) {
        const names = new Set(
          documents
            .filter(([name]) => name === "descriptor")
            .map(([, doc]) => (doc as { name: string }).name),
        );
        for (const name of names) streamRuns.set(name, (streamRuns.get(name) ?? 0) + 1);
      }
      assert.deepEqual(
        await broker.distinct("descriptors.name", { counts: true }),
        [...streamRuns.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([value, count]) => ({ value, count })),
      );
    });

    test("typed references: digits are a scan_id first, then a uid prefix (runs as the CLI finds them)", async () => {
      const digits = composeRun(
        { plan_name: "digits", scan_id: 1 },
        { uid: "20191122-0000-4000-8000-000000000000", time: 1 },
      );
      await storeOf(broker).put([["start", digits.start]]);
      assert.equal((await runFromText(broker, "20191122")).uid, digits.start.uid);
      assert.equal((await runFromText(broker, "1")).uid, (await broker.run(1)).uid);
      assert.notEqual((await runFromText(broker, "1")).uid, digits.start.uid);
      assert.equal((await runFromText(broker, "-2")).uid, newest[1].uid);
      assert.equal((await runFromText(broker, "abcdef12-2")).start.scan_id, 501);
      await assert.rejects(runFromText(broker, "99999999"), NotFoundError);
    });
  });
}
