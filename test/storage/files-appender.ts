// A writer process for the files adapter's concurrency test: opens the catalog directory argv[2] as writer
// argv[3]; puts runs of its own in many small batches, and continues the shared run argv[4] with a stream of
// its own, batch by batch; then writes what it sent to argv[5].
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { DocumentPair, Event, EventDescriptor } from "../../src/documents/types.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import { smallRun } from "./syntheticRuns.ts";

const [directory, writerArg, sharedRun, out] = process.argv.slice(2);
const writer = Number(writerArg);
const store = await FilesStore.open(directory);

const runs: Array<{ uid: string; documents: DocumentPair[] }> = [];
for (let r = 0; r < 3; r++) {
  const { uid, documents } = smallRun({ plan_name: "concurrent", writer, r }, 30);
  for (let at = 0; at < documents.length; at += 7) await store.put(documents.slice(at, at + 7));
  runs.push({ uid, documents });
}

const descriptor: EventDescriptor = {
  uid: randomUUID(),
  run_start: sharedRun,
  time: 1,
  name: `writer-${writer}`,
  data_keys: { y: { dtype: "number", shape: [], source: "sim" } },
};
const shared: DocumentPair[] = [["descriptor", descriptor]];
for (let seq = 1; seq <= 20; seq++) {
  const event: Event = {
    uid: randomUUID(),
    descriptor: descriptor.uid,
    seq_num: seq,
    time: 1 + seq,
    data: { y: writer * 100 + seq },
    timestamps: { y: 1 + seq },
  };
  shared.push(["event", event]);
}
for (let at = 0; at < shared.length; at += 4) await store.put(shared.slice(at, at + 4));

await store.close();
writeFileSync(out, JSON.stringify({ runs, shared }));
