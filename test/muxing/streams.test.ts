// align on a run's Streams: the primary read chunk by chunk (each chunk aligned on its own against the baseline
// read once) gives the same rows as the whole, named <stream>.<field> by default.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { alignedChunks, merge, readAligned } from "../../src/muxing/index.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { largeRun } from "../storage/syntheticRuns.ts";

/** largeRun's primary (20,000 rows at 1 kHz) with a baseline of 40 readings every 0.5 s. */
function runWithBaseline(): { uid: string; documents: DocumentPair[] } {
  const { uid, documents } = largeRun(4, 5000);
  const run = composeRun({ plan_name: "baseline source" });
  const baseline = run.composeDescriptor({
    name: "baseline",
    data_keys: { temp: { dtype: "number", shape: [], source: "sim" } },
  });
  const descriptor = { ...baseline.descriptor, run_start: uid };
  const events: DocumentPair[] = Array.from({ length: 40 }, (_, i) => {
    const time = 1_700_000_000 + i * 0.5;
    const event = baseline.composeEvent({ data: { temp: 20 + i / 10 }, timestamps: { temp: time }, time });
    return ["event", { ...event, descriptor: descriptor.uid }];
  });
  const stop = documents.pop()!;
  return { uid, documents: [...documents, ["descriptor", descriptor], ...events, stop] };
}

test("alignedChunks: chunks of the primary, each aligned, equal readAligned of the whole", async () => {
  const { uid, documents } = runWithBaseline();
  const store = new MemoryStore();
  await store.put(documents);
  const broker = new Broker(store);
  try {
    const run = await broker.run(uid);
    const primary = run.stream("primary");
    const baseline = run.stream("baseline");
    const whole = await readAligned(primary, baseline, { method: "nearest" });
    assert.equal(whole.length, 20_000);
    assert.ok(whole.columnNames.includes("baseline.temp"));
    const sizes: number[] = [];
    const rows = [];
    for await (const chunk of alignedChunks(primary, baseline, 3000, { method: "nearest" })) {
      sizes.push(chunk.length);
      rows.push(...chunk.select(["seq_num", "time", "baseline.temp"]).toRows());
    }
    assert.deepEqual(sizes, [3000, 3000, 3000, 3000, 3000, 3000, 2000]);
    assert.deepEqual(rows, whole.select(["seq_num", "time", "baseline.temp"]).toRows());
    const twice = merge([
      { run: "first", table: whole },
      { run: "second", table: whole },
    ]);
    assert.equal(twice.length, 40_000);
  } finally {
    await broker.close();
  }
});
