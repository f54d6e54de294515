// The PostgreSQL catalog against the SQLite one, same workloads in the same run (ratios PostgreSQL/SQLite):
// 1. ingest of 1,000,000 events in event_pages of 1,000 x 10 floats (events/s);
// 2. a stream of 100,000 events x 10 floats read back as columns (events/s);
// 3. search over 100,000 runs: latency of an indexed eq (scan_id), p50 and p99.
// It starts its own durable PostgreSQL server (fsync on, as SQLite runs synchronous=FULL) on loopback.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { PostgresStore } from "../src/storage/postgres/PostgresStore.ts";
import type { Store } from "../src/storage/Store.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { type PostgresServer, startPostgres } from "../test/support/postgresServer.ts";
import { report, time } from "./harness.ts";
import { FIELDS, pagedRun } from "./syntheticRuns.ts";

/** Batches of small complete runs (start and stop) with scan_ids 1..count. */
function manyRuns(count: number, perBatch: number): DocumentPair[][] {
  const batches: DocumentPair[][] = [];
  for (let at = 0; at < count; at += perBatch) {
    const batch: DocumentPair[] = [];
    for (let i = at; i < Math.min(count, at + perBatch); i++) {
      const run = composeRun(
        { plan_name: `plan_${i % 40}`, scan_id: i + 1, sample: { name: `sample_${i % 97}` } },
        { time: 1_600_000_000 + i * 60 },
      );
      batch.push(["start", run.start], ["stop", run.composeStop({ exit_status: "success" })]);
    }
    batches.push(batch);
  }
  return batches;
}

interface Catalogs {
  sqlite(): Promise<Store>;
  postgres(): Promise<Store>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Per-query latencies (ms) of `count` searches for random scan_ids, each consumed whole. */
async function searchLatencies(store: Store, runs: number, count: number): Promise<number[]> {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  const latencies: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const scanId = 1 + (next() % runs);
    const t0 = performance.now();
    let found = 0;
    for await (const _ of store.runs({ op: "eq", key: "scan_id", value: scanId })) found++;
    if (found !== 1) throw new Error(`scan_id ${scanId}: ${found} runs`);
    // The first 50 warm caches and prepared statements.
    if (i >= 50) latencies.push(performance.now() - t0);
  }
  return latencies.sort((a, b) => a - b);
}

async function ingest(catalogs: Catalogs): Promise<void> {
  const { documents } = pagedRun(1000, 1000);
  // Catalogs are created beforehand (a warm-up put and two timed ones each): only the put is timed.
  const timed = async (open: () => Promise<Store>) => {
    const stores = [await open(), await open(), await open()];
    let next = 0;
    const timing = await time(1_000_000, () => stores[next++].put(documents), 2);
    for (const store of stores) await store.close();
    return timing;
  };
  const sqlite = await timed(catalogs.sqlite);
  const postgres = await timed(catalogs.postgres);
  report(
    "ingest event_pages, 1,000,000 events (1,000 a page) x 10 floats, PostgreSQL",
    "events",
    postgres,
    sqlite,
    "SQLite",
  );
}

async function readColumns(catalogs: Catalogs): Promise<void> {
  const { descriptor, documents } = pagedRun(100, 1000);
  const reading = (store: Store) => async () => {
    let values = 0;
    for await (const page of store.columns([descriptor]))
      for (const field of FIELDS)
        values += page.data[field].values.length + page.timestamps[field].values.length;
    if (values !== 2 * FIELDS.length * 100_000) throw new Error(`read ${values} values`);
  };
  const timings = [];
  for (const open of [catalogs.sqlite, catalogs.postgres]) {
    const store = await open();
    await store.put(documents);
    timings.push(await time(100_000, reading(store)));
    await store.close();
  }
  report(
    "Store.columns, 100,000 events x 10 floats (+ timestamps), PostgreSQL",
    "events",
    timings[1],
    timings[0],
    "SQLite",
  );
}

async function search(catalogs: Catalogs): Promise<void> {
  const RUNS = 100_000;
  const batches = manyRuns(RUNS, 1000);
  const results: Array<{ name: string; loadSeconds: number; latencies: number[] }> = [];
  for (const [name, open] of [
    ["SQLite", catalogs.sqlite],
    ["PostgreSQL", catalogs.postgres],
  ] as const) {
    const store = await open();
    const t0 = performance.now();
    for (const batch of batches) await store.put(batch);
    const loadSeconds = (performance.now() - t0) / 1000;
    results.push({ name, loadSeconds, latencies: await searchLatencies(store, RUNS, 1000) });
    await store.close();
  }
  for (const { name, loadSeconds, latencies } of results) {
    console.log(
      `search over ${RUNS} runs, eq scan_id, ${name}: p50 ${percentile(latencies, 50).toFixed(3)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(3)} ms (runs loaded in batches of 1,000 at ${(RUNS / loadSeconds).toFixed(0)} runs/s)`,
    );
  }
  const [sqlite, postgres] = results;
  const ratio = (p: number) =>
    (percentile(postgres.latencies, p) / percentile(sqlite.latencies, p)).toFixed(2);
  console.log(
    `search latency ratio PostgreSQL/SQLite: p50 ${ratio(50)}x, p99 ${ratio(99)}x (above 1: PostgreSQL slower)`,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-postgres-"));
  let server: PostgresServer | undefined;
  try {
    server = await startPostgres({ durable: true });
    const pg = server;
    let files = 0;
    const catalogs: Catalogs = {
      sqlite: async () => new SqliteStore(join(dir, `catalog-${files++}.sqlite`)),
      postgres: async () => PostgresStore.open(await pg.createDatabase()),
    };
    await ingest(catalogs);
    await readColumns(catalogs);
    await search(catalogs);
  } finally {
    server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
