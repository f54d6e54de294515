// A Broker search with fuzzy parts and no sort lists the closest runs first (ties newest first), pages the
// ranked list, and keeps any sort asked; did-you-mean finds a close value only when it would find runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { didYouMean } from "../../src/broker/didYouMean.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { smallRun } from "../storage/syntheticRuns.ts";

// Oldest first: newest-first order alone would list the closest one last.
const METADATA = [
  { plan_name: "count", sample: "temperature probe", scan_id: 1 },
  { plan_name: "count", sample: "temperatures", scan_id: 2 },
  { plan_name: "scan", sample: "tempered glass", scan_id: 3 },
  { plan_name: "scan", sample: "silicon", scan_id: 4 },
];

async function catalog(): Promise<Broker> {
  const broker = new Broker(new MemoryStore());
  for (const [i, meta] of METADATA.entries()) await broker.put(smallRun(meta, 1, 1_000 + i).documents);
  return broker;
}

const scanIds = async (broker: Broker, options = {}) =>
  (await broker.page(options)).map((run) => run.start.scan_id);

test("closest first, newest first among equals; offset and limit page the ranked list; a sort wins", async () => {
  const broker = await catalog();
  const found = broker.search('~"tempreture"');
  // temperature 0.44, temperatures 0.33, tempered 0.25 (just close enough).
  assert.deepEqual(await scanIds(found), [1, 2, 3]);
  assert.deepEqual(await scanIds(found, { offset: 1, limit: 1 }), [2]);
  assert.deepEqual(await scanIds(found, { sort: "-scan_id" }), [3, 2, 1]);
  // Under an `and` with other conditions, and two fuzzy words: the mean of their closeness ranks.
  assert.deepEqual(await scanIds(broker.search('plan_name == "count" and ~"tempreture probe"')), [1]);
  assert.deepEqual(await scanIds(broker.search('~"tempreture" or plan_name == "scan"')), [1, 2, 3, 4]);
});

test("did you mean: the close value of a string comparison that finds runs with the rest of the query", async () => {
  const broker = await catalog();
  assert.deepEqual(await didYouMean(broker, parseQuery('sample == "silcon"')), {
    key: "sample",
    value: "silicon",
    query: 'sample == "silicon"',
  });
  // Only among the runs the rest of the query leaves: no count run holds "silicon".
  assert.equal(
    await didYouMean(broker, parseQuery('plan_name == "count" and sample == "silcon"')),
    undefined,
  );
  assert.deepEqual(await didYouMean(broker, parseQuery('plan_name == "scna" and sample == "silicon"')), {
    key: "plan_name",
    value: "scan",
    query: 'plan_name == "scan" and sample == "silicon"',
  });
  assert.equal(await didYouMean(broker, parseQuery('sample == "zzyzx"')), undefined);
});
