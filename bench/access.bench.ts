// The price of access control on search: 100,000 runs in 1,000 beamtimes on 20 beamlines, searched through
// `Broker.as(principal)` by a user of 3 beamtimes (~300 visible runs), by the staff of one beamline (~5,000
// runs plus those without a beamtime) and by a user of 3 beamtimes through a key bound to one, against the
// same search without the filter (an admin) in the same run: p50 / p99 of a page of the newest 100 runs and
// of a count, on SQLite and on PostgreSQL. Goal: the filtered search within 1.5x of the unfiltered one.
// `npm run bench -- access` (DATABROKER_BENCH_RUNS to change the size).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Principal, user } from "../src/access/Principal.ts";
import { Broker } from "../src/broker/Broker.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { PostgresStore } from "../src/storage/postgres/PostgresStore.ts";
import type { Store } from "../src/storage/Store.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { startPostgres } from "../test/support/postgresServer.ts";

const RUNS = Number(process.env.DATABROKER_BENCH_RUNS || 100_000);
const BEAMTIMES = 1_000;
const BEAMLINES = 20;
const BATCH = 5_000;
const REPEATS = 30;
const PLANS = ["scan", "count", "rel_scan", "grid_scan"];

const beamtimeOf = (i: number) => `BT${i % BEAMTIMES}`;
const beamlineOf = (beamtime: number) => `BL${beamtime % BEAMLINES}`;

function batchOf(first: number): DocumentPair[] {
  const batch: DocumentPair[] = [];
  for (let i = first; i < Math.min(RUNS, first + BATCH); i++) {
    const start: Record<string, unknown> = {
      uid: `${i.toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`,
      time: 1.6e9 + i * 30,
      scan_id: i,
      plan_name: PLANS[i % PLANS.length],
    };
    // One run in 50 has no beamtime: staff and admins see those.
    if (i % 50 !== 0) start.beamtime = beamtimeOf(i);
    batch.push(["start", start] as DocumentPair);
  }
  return batch;
}

function memberships(): unknown {
  const users = [{ id: "admin" }, { id: "user" }, { id: "staff" }];
  const beamtimes = Array.from({ length: BEAMTIMES }, (_, i) => ({
    id: `BT${i}`,
    proposal: `P${i % 300}`,
    beamline: beamlineOf(i),
    pis: ["admin"],
    // The user belongs to three beamtimes on different beamlines.
    users: i === 7 || i === 123 || i === 456 ? ["user"] : [],
  }));
  const proposals = Array.from({ length: 300 }, (_, i) => ({ id: `P${i}`, pis: ["admin"], users: [] }));
  return { users, proposals, beamtimes, staff: [{ beamline: "BL3", users: ["staff"] }], admins: ["admin"] };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function latency(work: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 10; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function measure(name: string, store: Store): Promise<void> {
  const t0 = performance.now();
  for (let first = 0; first < RUNS; first += BATCH) await store.put(batchOf(first));
  const broker = new Broker(store);
  await broker.access.loadMemberships(memberships(), "bench");
  const bound = await broker.access.createKey({ owner: "user", beamtimes: ["BT7"] }, "bench");
  const boundPrincipal = (await broker.access.principalOfKey(bound.secret)) as { principal: Principal };
  console.log(
    `${name}: ${RUNS} runs stored and memberships loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const admin = await broker.as(user("admin"));
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  for (const [label, scope] of [
    ["all runs", (view: Broker) => view],
    ["plan_name == scan", (view: Broker) => view.search('plan_name == "scan"')],
  ] as const) {
    const basePage = await latency(() => scope(admin).page({ limit: 100 }));
    const baseCount = await latency(() => scope(admin).count());
    for (const [who, principal] of [
      ["user of 3 beamtimes", user("user")],
      ["staff of a beamline", user("staff")],
      ["key bound to 1 beamtime", boundPrincipal.principal],
    ] as const) {
      // The policy is read per request, as the server does.
      const page = await latency(async () => scope(await broker.as(principal)).page({ limit: 100 }));
      const count = await latency(async () => scope(await broker.as(principal)).count());
      const visible = await scope(await broker.as(principal)).count();
      console.log(
        `${name}, ${label}, ${who} (${visible} visible): page of 100 p50 ${ms(page.p50)} p99 ${ms(page.p99)} vs unfiltered ${ms(basePage.p50)} -> ${(page.p50 / basePage.p50).toFixed(2)}x; ` +
          `count p50 ${ms(count.p50)} vs ${ms(baseCount.p50)} -> ${(count.p50 / baseCount.p50).toFixed(2)}x`,
      );
    }
  }
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-access-bench-"));
  const server = await startPostgres({ durable: true });
  try {
    const sqlite = new SqliteStore(join(dir, "catalog.sqlite"));
    await measure("SQLite", sqlite);
    await sqlite.close();
    const postgres = await PostgresStore.open(await server.createDatabase());
    await measure("PostgreSQL", postgres);
    await postgres.close();
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
