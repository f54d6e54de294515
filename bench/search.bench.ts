// Searching 100,000 runs in a SQLite catalog by indexed keys (plan_name, scan_id, a time range, a uid
// prefix) through the Store, against hand-written better-sqlite3 SELECTs of the same rows on the same file,
// measured in the same run: p50 / p99 latency of a page of 100 results and of a count, and their ratios.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { key, partialUid, type Query, scanId, timeRange } from "../src/queries/index.ts";
import { decodeExact } from "../src/storage/codec/exactMsgpack.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { type Latency, latency } from "./harness.ts";
import { PLANS, startDocuments, T0, uidOf } from "./syntheticRuns.ts";

const RUNS = 100_000;
const BATCH = 5_000;
const REPEATS = 200;
const PAGE = 100;

/** Runs `work(i)` REPEATS times after a warm-up and returns its latency percentiles in ms. */
const latencyOf = (work: (i: number) => unknown) => latency(work, REPEATS);

function line(name: string, store: Latency, raw: Latency): void {
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  console.log(
    `${name}: store p50 ${ms(store.p50)} p99 ${ms(store.p99)} | raw SELECT p50 ${ms(raw.p50)} p99 ${ms(raw.p99)} | ` +
      `ratio p50 ${(store.p50 / raw.p50).toFixed(2)}x p99 ${(store.p99 / raw.p99).toFixed(2)}x`,
  );
}

interface Case {
  name: string;
  query: (i: number) => Query;
  /** The same rows by hand: a WHERE clause on `runs` and its parameters. */
  raw: (i: number) => [string, unknown[]];
}

const CASES: Case[] = [
  {
    name: "plan_name eq",
    query: (i) => key("plan_name").eq(PLANS[i % PLANS.length]),
    raw: (i) => [`json_extract(start, '$."plan_name"') = ?`, [PLANS[i % PLANS.length]]],
  },
  {
    name: "scan_id eq",
    query: (i) => key("scan_id").eq((i * 97) % 20_000),
    raw: (i) => ["scan_id = ?", [(i * 97) % 20_000]],
  },
  {
    name: "scanId (newest)",
    query: (i) => scanId((i * 97) % 20_000),
    raw: (i) => [
      "uid = (SELECT uid FROM runs WHERE scan_id = ? ORDER BY time DESC, uid LIMIT 1)",
      [(i * 97) % 20_000],
    ],
  },
  {
    name: "time range (1 day)",
    query: (i) => timeRange({ since: T0 + i * 9_000, until: T0 + i * 9_000 + 86_400, timezone: "UTC" }),
    raw: (i) => ["time >= ? AND time < ?", [T0 + i * 9_000, T0 + i * 9_000 + 86_400]],
  },
  {
    name: "uid prefix",
    query: (i) => partialUid(uidOf(i * 400).slice(0, 8)),
    raw: (i) => {
      const prefix = uidOf(i * 400).slice(0, 8);
      return [
        "uid >= ? AND uid < ?",
        [prefix, `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(7) + 1)}`],
      ];
    },
  },
];

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-search-bench-"));
  try {
    const path = join(dir, "catalog.sqlite");
    const store = new SqliteStore(path);
    const t0 = performance.now();
    for (let first = 0; first < RUNS; first += BATCH) await store.put(startDocuments(first, BATCH));
    console.log(`put ${RUNS} runs in batches of ${BATCH}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const raw = new Database(path, { readonly: true });

    for (const { name, query, raw: rawWhere } of CASES) {
      // A page of the newest 100 matches, each run's start decoded (what a listing shows).
      const storePage = await latencyOf(async (i) => {
        let n = 0;
        for await (const summary of store.runs(query(i), { limit: PAGE }))
          n += summary.start.time > 0 ? 1 : 0;
        return n;
      });
      const rawPage = await latencyOf((i) => {
        const [where, params] = rawWhere(i);
        const rows = raw
          .prepare(`SELECT uid, stop_uid FROM runs WHERE ${where} ORDER BY time DESC, uid LIMIT ${PAGE}`)
          .all(...params) as Array<{ uid: string }>;
        const body = raw.prepare("SELECT body FROM documents WHERE uid = ?").pluck();
        return rows.map((row) => decodeExact<{ time: number }>(body.get(row.uid) as Uint8Array).time);
      });
      line(`${name}, page of ${PAGE}`, storePage, rawPage);
      const storeCount = await latencyOf((i) => store.count(query(i)));
      const rawCount = await latencyOf((i) => {
        const [where, params] = rawWhere(i);
        return raw
          .prepare(`SELECT COUNT(*) FROM runs WHERE ${where}`)
          .pluck()
          .get(...params);
      });
      line(`${name}, count`, storeCount, rawCount);
    }
    raw.close();
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
