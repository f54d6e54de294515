// Constant memory: reading a large generated file (200 MB JSON array, 100 MB msgpack and JSON Lines)
// never holds it whole — the live heap, measured after forced collections during the read, stays small.
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type DocumentFormat, readDocuments, writeDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { temporaryDirectory } from "./formats-support.ts";

const FIELDS = Array.from({ length: 40 }, (_, i) => `channel_${i}`);

/** A run of events of about `bytes` when written: 40 float fields each (about 2.5 kB of JSON per event). */
function* largeRun(bytes: number, format: DocumentFormat): Generator<DocumentPair> {
  const events = Math.ceil(bytes / (format === "msgpack" ? 1600 : 2500));
  yield ["start", { uid: "large", time: 1_700_000_000 }];
  for (let seq = 1; seq <= events; seq++) {
    const time = 1_700_000_000 + seq / 7;
    const data = Object.fromEntries(FIELDS.map((f, i) => [f, Math.cos(seq + i) * 12345.678]));
    const timestamps = Object.fromEntries(FIELDS.map((f) => [f, time]));
    yield ["event", { uid: `e${seq}`, descriptor: "d", seq_num: seq, time, data, timestamps }];
  }
  yield ["stop", { uid: "large-stop", run_start: "large", time: 1_800_000_000, exit_status: "success" }];
}

// A full collection before each sample makes heapUsed the memory really held, not garbage not yet swept.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function liveHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Live heap may grow by this much while reading, whatever the file's size. */
const HEAP_GROWTH_LIMIT = 32e6;

async function checkConstantMemory(dir: string, format: DocumentFormat, megabytes: number): Promise<void> {
  const path = join(dir, `large.${format}`);
  const written = await writeDocuments(path, largeRun(megabytes * 1e6, format), format);
  const size = (await stat(path)).size;
  assert.ok(size > megabytes * 1e6, `${format}: the file has ${size} bytes`);
  const before = liveHeap();
  let count = 0;
  let peak = before;
  for await (const [name] of readDocuments(path)) {
    if (++count % 10_000 === 0) peak = Math.max(peak, liveHeap());
    if (count === 1) assert.equal(name, "start");
  }
  assert.equal(count, written);
  const growth = peak - before;
  assert.ok(growth < HEAP_GROWTH_LIMIT, `${format}: live heap grew by ${(growth / 1e6).toFixed(1)} MB`);
  console.log(
    `${format}: ${(size / 1e6).toFixed(0)} MB file, live heap grew by ${(growth / 1e6).toFixed(1)} MB`,
  );
}

test("a 200 MB JSON array is read in constant memory", async (t) => {
  await checkConstantMemory(await temporaryDirectory(t), "json-array", 200);
});

test("100 MB of msgpack and of JSON Lines are read in constant memory", async (t) => {
  const dir = await temporaryDirectory(t);
  await checkConstantMemory(dir, "msgpack", 100);
  await checkConstantMemory(dir, "jsonl", 100);
});
