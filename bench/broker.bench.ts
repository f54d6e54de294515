// The Broker over a SQLite catalog against hand-written better-sqlite3 SELECTs on the same file, in the same
// run: `broker.run(-1)` among 100,000 runs vs `SELECT ... ORDER BY time DESC LIMIT 1`, and a 1,000,000-event
// stream of 10 float fields read as a Table (and in chunks) vs a SELECT of the same blobs into arrays.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Broker } from "../src/broker/Broker.ts";
import { composeRun } from "../src/documents/compose.ts";
import type { DataKey, DocumentPair, EventPage } from "../src/documents/types.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { report, time } from "./harness.ts";

const RUNS = 100_000;
const RUN_BATCH = 5_000;
const LOOKUPS = 500;
const EVENTS = 1_000_000;
const PAGE_ROWS = 10_000;
const PAGES_PER_PUT = 10;
const FIELDS = Array.from({ length: 10 }, (_, i) => `signal_${i}`);

/** Start documents of runs first..first+RUN_BATCH (open runs: the lookup reads start, stop and descriptors). */
function runBatch(first: number): DocumentPair[] {
  return Array.from({ length: RUN_BATCH }, (_, k): DocumentPair => {
    const i = first + k;
    const uid = `${(i * 2654435761) % 2 ** 32}`.padStart(10, "0");
    return [
      "start",
      { uid: `${uid}-bench-${i}`, time: 1_600_000_000 + i * 30, scan_id: i, plan_name: "scan" },
    ];
  });
}

/** A run of EVENTS events in event_pages of PAGE_ROWS rows, put PAGES_PER_PUT pages at a time. */
async function putLargeRun(store: SqliteStore): Promise<string> {
  const dataKeys: Record<string, DataKey> = Object.fromEntries(
    FIELDS.map((field) => [field, { dtype: "number", shape: [], source: `SIM:${field}` }]),
  );
  const composed = composeRun({ plan_name: "bench_broker" }, { time: 1_500_000_000 });
  const stream = composed.composeDescriptor({ name: "primary", data_keys: dataKeys });
  let batch: DocumentPair[] = [
    ["start", composed.start],
    ["descriptor", stream.descriptor],
  ];
  for (let first = 0; first < EVENTS; first += PAGE_ROWS) {
    const rows = Array.from({ length: PAGE_ROWS }, (_, r) => first + r);
    const time = rows.map((i) => composed.start.time + i * 0.001);
    const page: EventPage = {
      descriptor: stream.descriptor.uid,
      uid: rows.map((i) => `${composed.start.uid}-${i}`),
      seq_num: rows.map((i) => i + 1),
      time,
      data: Object.fromEntries(FIELDS.map((field, f) => [field, rows.map((i) => Math.sin(i + f))])),
      timestamps: Object.fromEntries(FIELDS.map((field) => [field, time])),
    };
    batch.push(["event_page", page]);
    if (batch.length >= PAGES_PER_PUT) {
      await store.put(batch);
      batch = [];
    }
  }
  await store.put([...batch, ["stop", composed.composeStop()]]);
  return composed.start.uid;
}

/** Copies little-endian float64 blobs into one array (a bare reader's least work for a column). */
function concatBlobs(blobs: Uint8Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  const bytes = new Uint8Array(out.buffer);
  let at = 0;
  for (const blob of blobs) {
    bytes.set(blob, at);
    at += blob.length;
  }
  return out;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-broker-"));
  const path = join(dir, "catalog.sqlite");
  try {
    const store = new SqliteStore(path);
    for (let first = 0; first < RUNS; first += RUN_BATCH) await store.put(runBatch(first));
    const runUid = await putLargeRun(store);
    const broker = new Broker(store);
    const raw = new Database(path, { readonly: true });

    // run(-1): the newest run with its stop and descriptors, against the newest row's start document.
    const newest = raw.prepare("SELECT uid, start FROM runs ORDER BY time DESC LIMIT 1");
    const expected = (newest.get() as { uid: string }).uid;
    if ((await broker.run(-1)).uid !== expected) throw new Error("run(-1) is not the newest run");
    const lookup = await time(LOOKUPS, async () => {
      for (let i = 0; i < LOOKUPS; i++) await broker.run(-1);
    });
    const select = await time(LOOKUPS, () => {
      for (let i = 0; i < LOOKUPS; i++) JSON.parse((newest.get() as { start: string }).start);
    });
    report(
      `broker.run(-1) among ${RUNS + 1} runs`,
      "lookups",
      lookup,
      select,
      "SELECT ORDER BY time DESC LIMIT 1",
    );

    // A 1,000,000-event stream as a Table, against a SELECT of the same blobs copied into one array per column.
    const stream = (await broker.run(runUid)).stream("primary");
    const table = await stream.read();
    if (
      table.length !== EVENTS ||
      (table.column(FIELDS[9]) as Float64Array)[EVENTS - 1] !== Math.sin(EVENTS - 1 + 9)
    )
      throw new Error("the table does not hold the stream");
    const read = await time(EVENTS, () => stream.read());
    const chunks = await time(EVENTS, async () => {
      let rows = 0;
      for await (const chunk of stream.chunks({ size: 100_000 })) rows += chunk.length;
      if (rows !== EVENTS) throw new Error(`chunks held ${rows} rows`);
    });
    const pages = raw.prepare(
      "SELECT id, seq_nums, times FROM event_pages WHERE descriptor = ? ORDER BY seq_first",
    );
    const columns = raw.prepare("SELECT key, bytes FROM event_columns WHERE page = ? AND role = 0");
    const descriptor = stream.descriptors[0].uid;
    const blobs = await time(EVENTS, () => {
      const byKey = new Map<string, Uint8Array[]>([
        ["seq_num", []],
        ["time", []],
      ]);
      for (const page of pages.all(descriptor) as Array<{
        id: number;
        seq_nums: Uint8Array;
        times: Uint8Array;
      }>) {
        byKey.get("seq_num")!.push(page.seq_nums);
        byKey.get("time")!.push(page.times);
        for (const column of columns.all(page.id) as Array<{ key: string; bytes: Uint8Array }>) {
          if (!byKey.has(column.key)) byKey.set(column.key, []);
          byKey.get(column.key)!.push(column.bytes);
        }
      }
      return [...byKey.values()].map((parts) => concatBlobs(parts, EVENTS));
    });
    report(
      `stream.read() of ${EVENTS} events x ${FIELDS.length} fields`,
      "events",
      read,
      blobs,
      "SELECT blobs into arrays",
    );
    report(`stream.chunks(100,000) of the same`, "events", chunks, blobs, "SELECT blobs into arrays");
    raw.close();
    await broker.close();
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
