// A put streams its batch into the transaction in slices: the live heap while putting a generated run of
// 500,000 events into SQLite stays far below what the encoded batch would take, and a bad document at the
// very end still rolls every slice back.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { DataKey, DocumentPair, Event } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-streaming-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = 500_000;
const FIELDS = Array.from({ length: 10 }, (_, i) => `f${i}`);
/** Holding the encoded batch would take about 0.5 kB an event (250 MB here): the growth must stay far below. */
const GROWTH_LIMIT = 64e6;

// A full collection before each sample makes the figures the memory really held.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  console.log("heap", (usage.heapUsed / 1e6).toFixed(1), "ab", (usage.arrayBuffers / 1e6).toFixed(1));
  return usage.heapUsed + usage.arrayBuffers;
}

/** A run of single events with 10 floats each; `sample` is called every 20,000 events while it is read. */
function* generatedRun(uid: string, sample: () => void, badEnd = false): Generator<DocumentPair> {
  yield ["start", { uid, time: 1_700_000_000 }];
  const number: DataKey = { dtype: "number", shape: [], source: "sim" };
  const data_keys = Object.fromEntries(FIELDS.map((f) => [f, number]));
  yield ["descriptor", { uid: `${uid}-d`, run_start: uid, time: 1_700_000_000, data_keys, name: "primary" }];
  for (let seq = 1; seq <= EVENTS; seq++) {
    if (seq % 20_000 === 0) sample();
    const time = 1_700_000_000 + seq / 7;
    const data = Object.fromEntries(FIELDS.map((f, i) => [f, Math.cos(seq + i) * 1234.5]));
    const timestamps = Object.fromEntries(FIELDS.map((f) => [f, time]));
    const event: Event = {
      uid: `${uid}-e${seq}`,
      descriptor: `${uid}-d`,
      seq_num: seq,
      time,
      data,
      timestamps,
    };
    yield ["event", event];
  }
  const badStop = { uid: `${uid}-s`, run_start: uid, time: "late", exit_status: "success" };
  if (badEnd) yield ["stop", badStop] as unknown as DocumentPair;
  else yield ["stop", { uid: `${uid}-s`, run_start: uid, time: 1_800_000_000, exit_status: "success" }];
}

test("a put of 500,000 events into SQLite holds a bounded slice of the batch, not all of it", async () => {
  const store = new SqliteStore(join(dir, "large.sqlite"));
  try {
    const before = liveBytes();
    let peak = before;
    const report = await store.put(generatedRun("big", () => (peak = Math.max(peak, liveBytes()))));
    assert.equal(report.documents, EVENTS + 3);
    assert.equal(report.events, EVENTS);
    assert.equal(report.stored, EVENTS + 3);
    const growth = peak - before;
    console.log(`500,000 events: live heap + array buffers grew by ${(growth / 1e6).toFixed(1)} MB`);
    assert.ok(growth < GROWTH_LIMIT, `grew by ${(growth / 1e6).toFixed(1)} MB`);
    assert.equal(await store.count(), 1);
    // Statistics merged across the slices count every event once.
    const stats = await store.fieldStats("big-d");
    assert.equal(stats.f0.events, EVENTS);
    assert.equal(stats.f9.count, EVENTS);
  } finally {
    await store.close();
  }
});

test("a bad document after 500,000 events leaves nothing stored", async () => {
  const store = new SqliteStore(join(dir, "bad-end.sqlite"));
  try {
    await assert.rejects(
      store.put(generatedRun("bad", () => undefined, true)),
      (error: unknown) =>
        error instanceof ValidationError &&
        /^batch rejected, nothing stored: document 500002 \(stop\)/.test(error.message),
    );
    assert.equal(await store.count(), 0);
    assert.equal(await store.start("bad"), undefined);
  } finally {
    await store.close();
  }
});
