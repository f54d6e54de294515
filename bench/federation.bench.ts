// Federated search over three sources of FED_BENCH_RUNS runs each (default 100,000): a SQLite file, a
// PostgreSQL database and a real `databroker serve` process on a SQLite file, their runs interleaved in time.
// For each query, a page of 25 and a count through the federation, against the same through each source alone,
// measured in the same run: p50 / p99, and their ratios to the slowest source (the federation waits for it).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Broker } from "../src/broker/Broker.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { key, type Query, scanId, timeRange } from "../src/queries/index.ts";
import type { SourceSpec } from "../src/storage/catalogs/CatalogSpec.ts";
import { spawnServer } from "../test/server/serveProcess.ts";
import { startPostgres } from "../test/support/postgresServer.ts";
import { type Latency, latency } from "./harness.ts";
import { PLANS, startDocuments, T0 } from "./syntheticRuns.ts";

const RUNS = Number(process.env.FED_BENCH_RUNS ?? 100_000);
const REPEATS = Number(process.env.FED_BENCH_REPEATS ?? 100);
const BATCH = 5_000;
const PAGE = 25;
const KEY = "federation_bench_key_0123456789";

interface Case {
  name: string;
  query: (i: number) => Query;
}

const CASES: Case[] = [
  { name: "newest runs", query: () => ({ op: "all" }) },
  { name: "plan_name eq", query: (i) => key("plan_name").eq(PLANS[i % PLANS.length]) },
  { name: "scan_id eq", query: (i) => key("scan_id").eq((i * 97) % 20_000) },
  { name: "scanId (newest)", query: (i) => scanId((i * 97) % 20_000) },
  {
    name: "time range (1 day)",
    query: (i) => timeRange({ since: T0 + i * 27_000, until: T0 + i * 27_000 + 86_400, timezone: "UTC" }),
  },
];

/** Source `k`'s runs: every third run, so the three sources' runs interleave in time. */
async function fill(uri: string, k: number): Promise<void> {
  const broker = await Broker.open(uri);
  const t0 = performance.now();
  let batch: DocumentPair[] = [];
  for (let i = k; i < RUNS * 3; i += 3) {
    batch.push(startDocuments(i, 1)[0]);
    if (batch.length === BATCH) {
      await broker.put(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await broker.put(batch);
  await broker.close();
  console.log(
    `${uri.split(/[/@]/).at(-1)}: ${RUNS} runs put in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

function line(name: string, federated: Latency, sources: Record<string, Latency>): void {
  const slowest = {
    p50: Math.max(...Object.values(sources).map((each) => each.p50)),
    p99: Math.max(...Object.values(sources).map((each) => each.p99)),
  };
  const each = Object.entries(sources)
    .map(([source, { p50, p99 }]) => `${source} ${ms(p50)}/${ms(p99)}`)
    .join(", ");
  console.log(
    `${name}: federated p50 ${ms(federated.p50)} p99 ${ms(federated.p99)} | sources p50/p99 ${each} | ` +
      `vs slowest source p50 ${(federated.p50 / slowest.p50).toFixed(2)}x p99 ${(federated.p99 / slowest.p99).toFixed(2)}x`,
  );
}

async function page(broker: Broker, query: Query): Promise<number> {
  let n = 0;
  for await (const summary of broker.search(query).summaries({ limit: PAGE }))
    n += summary.start.time > 0 ? 1 : 0;
  return n;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-federation-bench-"));
  const postgres = await startPostgres();
  const specs: Record<string, SourceSpec> = {
    sqlite: { name: "sqlite", uri: join(dir, "local.sqlite") },
    postgresql: { name: "postgresql", uri: await postgres.createDatabase("federation_bench") },
  };
  const servedPath = join(dir, "served.sqlite");
  await Promise.all([fill(specs.sqlite.uri, 0), fill(specs.postgresql.uri, 1), fill(servedPath, 2)]);
  const served = await spawnServer(["serve", "--catalog", servedPath, "--api-key", KEY]);
  specs.remote = { name: "remote", uri: served.url, apiKey: KEY };
  const alone = Object.fromEntries(
    await Promise.all(
      Object.entries(specs).map(async ([name, spec]) => [name, await Broker.open(spec)] as const),
    ),
  );
  const federation = await Broker.open({ name: "federation", federate: Object.values(specs) });
  try {
    console.log(`federation of 3 sources x ${RUNS} runs; ${REPEATS} searches per figure`);
    for (const { name, query } of CASES) {
      const sources: Record<string, Latency> = {};
      for (const [source, broker] of Object.entries(alone))
        sources[source] = await latency((i) => page(broker, query(i)), REPEATS);
      line(`${name}, page of ${PAGE}`, await latency((i) => page(federation, query(i)), REPEATS), sources);
      const counts: Record<string, Latency> = {};
      for (const [source, broker] of Object.entries(alone))
        counts[source] = await latency((i) => broker.search(query(i)).count(), REPEATS);
      line(`${name}, count`, await latency((i) => federation.search(query(i)).count(), REPEATS), counts);
    }
  } finally {
    await federation.close();
    for (const broker of Object.values(alone)) await broker.close();
    await served.stop();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
