// Search into data at scale: RUNS runs (default 100,000; `DATA_BENCH_RUNS=5000 npm run bench -- dataSearch` for
// a quick look) of ten scalar fields each (1M indexed fields), on SQLite and PostgreSQL. For each data query:
// p50 / p99 of a page of 100 through the Store, against the same store's metadata query of similar selectivity
// (plan_name, an indexed start key) measured in the same run. Then ingest: what keeping each event's sum and
// mean of an array field costs, against the ingest of the same run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { parseQuery } from "../src/queries/parseQuery.ts";
import type { Query } from "../src/queries/Query.ts";
import { numberStats } from "../src/storage/ingest/fieldStats.ts";
import { PostgresStore } from "../src/storage/postgres/PostgresStore.ts";
import type { Store } from "../src/storage/Store.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { startPostgres } from "../test/support/postgresServer.ts";
import { dataKeys, FIELDS, PLANS } from "./syntheticRuns.ts";

const RUNS = Number(process.env.DATA_BENCH_RUNS ?? 100_000);
const EVENTS = 5;
const BATCH = 2_000;
const REPEATS = 100;
const PAGE = 100;

/** Run `i`'s documents: channel_k of event e is k + (i % 1000) / 100 + e / 10, so ranges tell runs apart. */
function runDocuments(i: number): DocumentPair[] {
  const run = composeRun({ plan_name: PLANS[i % PLANS.length], scan_id: i }, { time: 1.6e9 + i * 30 });
  const stream = run.composeDescriptor({ name: "primary", data_keys: dataKeys });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  const events = i % 7 === 0 ? EVENTS * 4 : EVENTS;
  for (let e = 0; e < events; e++) {
    const data = Object.fromEntries(FIELDS.map((field, k) => [field, k + (i % 1000) / 100 + e / 10]));
    const timestamps = Object.fromEntries(FIELDS.map((field) => [field, run.start.time + e]));
    documents.push(["event", stream.composeEvent({ data, timestamps, time: run.start.time + e })]);
  }
  documents.push(["stop", run.composeStop({ exit_status: "success" })]);
  return documents;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function latency(work: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await work(i);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await work(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Data queries, each with a metadata query the same store answers, as the baseline. */
const CASES: Array<{ name: string; query: (i: number) => Query }> = [
  {
    name: "max above (1% of runs)",
    query: (i) => parseQuery(`primary.channel_${i % 10}.max > ${(i % 10) + 10.3}`),
  },
  {
    name: "min within a range",
    query: (i) => parseQuery(`primary.channel_3 within [${3 + (i % 9)}, ${4 + (i % 9)}]`),
  },
  {
    name: "overlaps a narrow interval",
    query: (i) => parseQuery(`primary.channel_5 overlaps [${5.5 + (i % 5)}, ${5.51 + (i % 5)}]`),
  },
  { name: "events >= 20", query: () => parseQuery("primary.events >= 20") },
  { name: "per-event sum above", query: (i) => parseQuery(`primary.channel_1.sum > ${10 + (i % 3)}`) },
  { name: "rare: max above all", query: () => parseQuery("primary.channel_9.max > 1e9") },
];

async function measure(label: string, store: Store): Promise<void> {
  const page = (query: Query) => async () => {
    let n = 0;
    for await (const _ of store.runs(query, { limit: PAGE })) n++;
    return n;
  };
  const baseline = await latency((i) => page(parseQuery(`plan_name == "${PLANS[i % PLANS.length]}"`))());
  console.log(
    `${label}: baseline plan_name ==, page of ${PAGE}: p50 ${baseline.p50.toFixed(2)} ms p99 ${baseline.p99.toFixed(2)} ms`,
  );
  for (const { name, query } of CASES) {
    const found = await latency((i) => page(query(i))());
    console.log(
      `${label}: ${name}, page of ${PAGE}: p50 ${found.p50.toFixed(2)} ms p99 ${found.p99.toFixed(2)} ms ` +
        `(${(found.p50 / baseline.p50).toFixed(2)}x the metadata query's p50)`,
    );
  }
}

async function fill(store: Store, label: string): Promise<void> {
  const t0 = performance.now();
  for (let first = 0; first < RUNS; first += BATCH) {
    const documents: DocumentPair[] = [];
    for (let i = first; i < Math.min(RUNS, first + BATCH); i++) documents.push(...runDocuments(i));
    await store.put(documents);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${label}: put ${RUNS} runs (${RUNS * FIELDS.length} indexed fields) in ${seconds.toFixed(1)} s`,
  );
}

/** What the per-event sums and means of a 64x64 image field add to computing its statistics, and to ingest. */
async function reductionCost(dir: string): Promise<void> {
  const frames = 500;
  const numbers = new Float64Array(frames * 64 * 64).map((_, i) => (i * 7919) % 1000);
  const time = (shape: number[]) => {
    const t0 = performance.now();
    for (let r = 0; r < 5; r++) numberStats(numbers, shape.length === 0 ? numbers.length : frames, shape);
    return (performance.now() - t0) / 5;
  };
  const scalarPass = time([]);
  const perEvent = time([64, 64]);
  const run = composeRun({ plan_name: "images" });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: { img: { dtype: "array", shape: [64, 64], source: "sim" } },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let f = 0; f < frames; f++) {
    const img = Array.from({ length: 64 }, (_, y) =>
      Array.from({ length: 64 }, (_, x) => numbers[f * 4096 + y * 64 + x]),
    );
    documents.push(["event", stream.composeEvent({ data: { img }, timestamps: { img: 1 } })]);
  }
  documents.push(["stop", run.composeStop()]);
  const store = new SqliteStore(join(dir, "images.sqlite"));
  const t0 = performance.now();
  await store.put(documents);
  const ingest = performance.now() - t0;
  await store.close();
  const extra = perEvent - scalarPass;
  console.log(
    `per-event sums and means of ${frames} 64x64 frames: statistics ${perEvent.toFixed(1)} ms vs ${scalarPass.toFixed(1)} ms ` +
      `without them; the difference is ${((100 * extra) / ingest).toFixed(1)}% of ingesting the run (${ingest.toFixed(0)} ms)`,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-data-search-bench-"));
  const server = await startPostgres({ durable: true });
  try {
    await reductionCost(dir);
    const sqlite = new SqliteStore(join(dir, "catalog.sqlite"));
    await fill(sqlite, "SQLite");
    await measure("SQLite", sqlite);
    await sqlite.close();
    const postgres = await PostgresStore.open(await server.createDatabase());
    await fill(postgres, "PostgreSQL");
    await measure("PostgreSQL", postgres);
    await postgres.close();
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
