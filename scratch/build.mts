import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { dataKeys, FIELDS, PLANS } from "../bench/syntheticRuns.ts";
const RUNS = Number(process.argv[2]);
function runDocuments(i: number): DocumentPair[] {
  const run = composeRun({ plan_name: PLANS[i % PLANS.length], scan_id: i }, { time: 1.6e9 + i * 30 });
  const stream = run.composeDescriptor({ name: "primary", data_keys: dataKeys });
  const documents: DocumentPair[] = [["start", run.start], ["descriptor", stream.descriptor]];
  const events = i % 7 === 0 ? 20 : 5;
  for (let e = 0; e < events; e++) {
    const data = Object.fromEntries(FIELDS.map((field, k) => [field, k + (i % 1000) / 100 + e / 10]));
    const timestamps = Object.fromEntries(FIELDS.map((field) => [field, run.start.time + e]));
    documents.push(["event", stream.composeEvent({ data, timestamps, time: run.start.time + e })]);
  }
  documents.push(["stop", run.composeStop({ exit_status: "success" })]);
  return documents;
}
const store = new SqliteStore(process.argv[3]);
const t0 = performance.now();
for (let first = 0; first < RUNS; first += 2000) {
  const documents: DocumentPair[] = [];
  for (let i = first; i < Math.min(RUNS, first + 2000); i++) documents.push(...runDocuments(i));
  await store.put(documents);
}
console.log(RUNS, "runs in", ((performance.now() - t0) / 1000).toFixed(1), "s");
await store.close();
