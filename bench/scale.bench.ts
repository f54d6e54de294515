// The scale study (`npm run bench -- scale`): a catalog grown to SCALE_RUNS runs (default 20,000; the study
// proper: 1,000,000) of SCALE_EVENTS events each (default 100: 1M runs hold 100M events), on each backend of
// SCALE_BACKENDS (default `postgresql,sqlite`), measured as it grows:
// - the ingest rate of each stretch between checkpoints (runs/s and events/s), and the time since the start;
// - at each checkpoint (10k, 100k, 1M, ... up to SCALE_RUNS, and SCALE_RUNS itself): search p50 / p99 of each
//   query kind (a page of 25 and a count), and the disk bytes per event;
// - at the end: reads scaled over 1, 2 and 4 `databroker serve` processes on the one catalog (SCALE_SERVERS),
//   SCALE_CLIENTS clients for SCALE_READ_SECONDS each, and the first server's resident memory after them.
// The figures are printed and kept in bench/results/scale-<backend>-<runs>.json.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { Broker } from "../src/broker/Broker.ts";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { key, parseQuery, partialUid, type Query, scanId, timeRange } from "../src/queries/index.ts";
import { spawnServer } from "../test/server/serveProcess.ts";
import { startPostgres } from "../test/support/postgresServer.ts";
import { type Latency, latency } from "./harness.ts";
import { PLANS, T0 } from "./syntheticRuns.ts";

const RUNS = Number(process.env.SCALE_RUNS ?? 20_000);
const EVENTS = Number(process.env.SCALE_EVENTS ?? 100);
const BACKENDS = (process.env.SCALE_BACKENDS ?? "postgresql,sqlite").split(",");
const REPEATS = Number(process.env.SCALE_REPEATS ?? 50);
const SERVERS = (process.env.SCALE_SERVERS ?? "1,2,4").split(",").map(Number);
const CLIENTS = Number(process.env.SCALE_CLIENTS ?? 32);
const READ_SECONDS = Number(process.env.SCALE_READ_SECONDS ?? 5);
/** Runs per put. */
const BATCH = 200;
const FIELDS = ["det", "I0", "motor"];
const KEY = "scale_bench_key_0123456789";

/** The checkpoints: powers of ten from 10,000 below RUNS, and RUNS. */
const CHECKPOINTS = [...[1e4, 1e5, 1e6, 1e7].filter((size) => size < RUNS), RUNS];

interface Kind {
  name: string;
  query: (i: number, size: number) => Query;
}

const KINDS: Kind[] = [
  { name: "newest", query: () => ({ op: "all" }) },
  { name: "plan_name eq", query: (i) => key("plan_name").eq(PLANS[i % PLANS.length]) },
  { name: "scanId (newest)", query: (i) => scanId((i * 97) % 20_000) },
  { name: "sample.name eq (nested)", query: (i) => key("sample.name").eq(`sample-${(i * 31) % 500}`) },
  {
    name: "time range (1 h)",
    query: (i, size) => {
      const since = T0 + ((i * 7919) % size) * 30;
      return timeRange({ since, until: since + 3_600, timezone: "UTC" });
    },
  },
  { name: "uid prefix", query: (i, size) => partialUid(uidAt((i * 7919) % size).slice(0, 8)) },
  { name: "full text", query: (i) => parseQuery(`"operator${i % 50}"`) },
];

function uidAt(i: number): string {
  return `${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, "0")}-5ca1-4000-8000-${String(i).padStart(12, "0")}`;
}

/** Run `i`: a start, a primary stream of EVENTS events of three floats in one event_page, a stop. */
function runDocuments(i: number): DocumentPair[] {
  const time = T0 + i * 30;
  const run = composeRun(
    {
      scan_id: i % 20_000,
      plan_name: PLANS[i % PLANS.length],
      sample: { name: `sample-${i % 500}`, temperature: 290 + (i % 40) },
      operator: `operator${i % 50}`,
    },
    { uid: uidAt(i), time },
  );
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: Object.fromEntries(
      FIELDS.map((field) => [field, { dtype: "number", shape: [], source: `SIM:${field}` }]),
    ),
  });
  const times = Array.from({ length: EVENTS }, (_, row) => time + row * 0.1);
  const page = stream.composeEventPage({
    time: times,
    seq_num: Array.from({ length: EVENTS }, (_, row) => row + 1),
    data: Object.fromEntries(
      FIELDS.map((field, k) => [field, times.map((_, row) => Math.sin(i + row * (k + 1)))]),
    ),
    timestamps: Object.fromEntries(FIELDS.map((field) => [field, times])),
  });
  return [
    ["start", run.start],
    ["descriptor", stream.descriptor],
    ["event_page", page],
    ["stop", run.composeStop({ exit_status: "success", time: time + EVENTS * 0.1 })],
  ];
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

interface Checkpoint {
  runs: number;
  seconds: number;
  stretch: { runsPerSecond: number; eventsPerSecond: number };
  bytesPerEvent: number;
  searches: Record<string, { page: Latency; count: Latency }>;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-scale-bench-"));
  const postgres = BACKENDS.includes("postgresql") ? await startPostgres() : undefined;
  try {
    for (const backend of BACKENDS) {
      const uri =
        backend === "postgresql" ? await postgres!.createDatabase("scale_bench") : join(dir, "scale.sqlite");
      await study(backend, uri);
    }
  } finally {
    postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function diskBytes(uri: string): Promise<number> {
  if (!uri.startsWith("postgres")) {
    const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    return size(uri) + size(`${uri}-wal`);
  }
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT pg_database_size(current_database()) AS size");
    return Number(rows[0].size);
  } finally {
    await client.end();
  }
}

async function study(backend: string, uri: string): Promise<void> {
  console.log(`\n${backend}: growing to ${RUNS} runs x ${EVENTS} events (${BATCH} runs per put)`);
  const broker = await Broker.open(uri);
  const checkpoints: Checkpoint[] = [];
  const began = performance.now();
  let stretchBegan = began;
  let stored = 0;
  try {
    for (const size of CHECKPOINTS) {
      while (stored < size) {
        const batch: DocumentPair[] = [];
        for (let i = stored; i < Math.min(size, stored + BATCH); i++) batch.push(...runDocuments(i));
        await broker.put(batch);
        stored = Math.min(size, stored + BATCH);
      }
      const now = performance.now();
      const stretchRuns = size - (checkpoints.at(-1)?.runs ?? 0);
      const seconds = (now - stretchBegan) / 1000;
      const searches: Checkpoint["searches"] = {};
      for (const kind of KINDS) {
        const page = await latency(async (i) => {
          let n = 0;
          for await (const summary of broker.search(kind.query(i, size)).summaries({ limit: 25 }))
            n += summary.start.time > 0 ? 1 : 0;
          return n;
        }, REPEATS);
        const count = await latency((i) => broker.search(kind.query(i, size)).count(), REPEATS);
        searches[kind.name] = { page, count };
      }
      const checkpoint: Checkpoint = {
        runs: size,
        seconds: (now - began) / 1000,
        stretch: { runsPerSecond: stretchRuns / seconds, eventsPerSecond: (stretchRuns * EVENTS) / seconds },
        bytesPerEvent: (await diskBytes(uri)) / (size * EVENTS),
        searches,
      };
      checkpoints.push(checkpoint);
      console.log(
        `${backend} at ${size} runs (${size * EVENTS} events), ${checkpoint.seconds.toFixed(0)} s in: ingest of the stretch ` +
          `${checkpoint.stretch.runsPerSecond.toFixed(0)} runs/s, ${checkpoint.stretch.eventsPerSecond.toFixed(0)} events/s; ` +
          `disk ${checkpoint.bytesPerEvent.toFixed(1)} bytes/event`,
      );
      for (const [name, { page, count }] of Object.entries(searches))
        console.log(
          `  ${name}: page p50 ${ms(page.p50)} p99 ${ms(page.p99)} | count p50 ${ms(count.p50)} p99 ${ms(count.p99)}`,
        );
      stretchBegan = performance.now();
    }
  } finally {
    await broker.close();
  }
  const reads = await readScaling(backend, uri);
  const file = join(new URL(".", import.meta.url).pathname, "results", `scale-${backend}-${RUNS}.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ backend, runs: RUNS, events: EVENTS, checkpoints, reads }, null, 2)}\n`,
  );
  console.log(`kept in ${file}`);
}

/** Search pages from CLIENTS clients spread over `servers` serve processes on the catalog: requests/s and p99. */
async function readScaling(backend: string, uri: string) {
  const results: Array<{
    servers: number;
    requestsPerSecond: number;
    p50: number;
    p99: number;
    rssMB: number;
  }> = [];
  for (const count of SERVERS) {
    const servers = await Promise.all(
      Array.from({ length: count }, () => spawnServer(["serve", "--catalog", uri, "--api-key", KEY])),
    );
    try {
      const times: number[] = [];
      const until = performance.now() + READ_SECONDS * 1000;
      let next = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          while (performance.now() < until) {
            const i = next++;
            const url = `${servers[(client + i) % count].url}/api/v1/search/?filter[eq][condition][key]=start.plan_name&filter[eq][condition][value]=${encodeURIComponent(JSON.stringify(PLANS[i % PLANS.length]))}&page[limit]=25`;
            const t0 = performance.now();
            const response = await fetch(url, { headers: { authorization: `Apikey ${KEY}` } });
            await response.arrayBuffer();
            if (!response.ok) throw new Error(`${response.status} from ${url}`);
            times.push(performance.now() - t0);
          }
        }),
      );
      times.sort((a, b) => a - b);
      const at = (p: number) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))];
      const status = await import("node:fs").then((fs) =>
        fs.readFileSync(`/proc/${servers[0].child.pid}/status`, "utf8"),
      );
      const rssMB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      const row = {
        servers: count,
        requestsPerSecond: times.length / READ_SECONDS,
        p50: at(50),
        p99: at(99),
        rssMB,
      };
      results.push(row);
      console.log(
        `${backend}, ${count} serve process(es), ${CLIENTS} clients: ${row.requestsPerSecond.toFixed(0)} search pages/s, ` +
          `p50 ${ms(row.p50)} p99 ${ms(row.p99)}; first server's RSS ${rssMB.toFixed(0)} MB`,
      );
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
  const one = results.find((row) => row.servers === 1);
  if (one)
    for (const row of results)
      console.log(
        `  ${row.servers} vs 1 process: ${(row.requestsPerSecond / one.requestsPerSecond).toFixed(2)}x the reads/s`,
      );
  return results;
}
