// Annotation search at catalog scale: 100,000 runs carrying 1,000,000 annotations (tags from a vocabulary
// where a few are common and most are rare, plus one very rare tag; visibilities mixed: shared, private,
// shared with a few users; a 1-5 rating), searched by a user whose reader tokens are ["*", "user"]:
// p50 / p99 of a page of 100 runs plus a count for `tags contains "<rare>"`, `tags contains "<common>"` and
// `annotations.rating >= 4`, each against baselines measured in the same run (the raw SQL over
// annotation_tags, the same search without a reader filter). The target: tag search <= 5 ms p50 on
// SQLite at that size. `npm run bench -- annotations`; DATABROKER_BENCH_RUNS and
// DATABROKER_BENCH_ANNOTATIONS change the sizes (PostgreSQL: annotations-postgres.bench.ts);
// DATABROKER_BENCH_CATALOG=/path/file.sqlite keeps the SQLite catalog there, and measures an existing one
// without building it again.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Annotation, Visibility } from "../src/annotations/Annotation.ts";
import type { AnnotationChange } from "../src/annotations/AnnotationRecords.ts";
import { Broker } from "../src/broker/Broker.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { parseQuery } from "../src/queries/parseQuery.ts";
import type { Store } from "../src/storage/Store.ts";
import { Connection } from "../src/storage/sqlite/Connection.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { writeAnnotationRows } from "../src/storage/sqlite/writeAnnotationRows.ts";
import { seededRandom } from "../test/queries/randomQueries.ts";

const RUNS = Number(process.env.DATABROKER_BENCH_RUNS || 100_000);
const ANNOTATIONS = Number(process.env.DATABROKER_BENCH_ANNOTATIONS || 10 * RUNS);
const BATCH = 5_000;
const REPEATS = 30;
const READERS = ["*", "user"];
/** The vocabulary: tag-0 is on about one annotation in 7 (Zipf, s = 1), tag-999 on one in 7,500. */
const VOCABULARY = 1_000;
/** On 20 annotations in all, whatever the size. */
const RARE = "very-rare";
const RARE_EVERY = Math.max(1, Math.floor(ANNOTATIONS / 20));
const COMMON = "tag-0";
const USERS = 50;

const uidOf = (i: number) =>
  `${i.toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`;

function runBatch(first: number): DocumentPair[] {
  const batch: DocumentPair[] = [];
  for (let i = first; i < Math.min(RUNS, first + BATCH); i++)
    batch.push([
      "start",
      { uid: uidOf(i), time: 1.6e9 + i * 30, scan_id: i, plan_name: "scan" },
    ] as DocumentPair);
  return batch;
}

/** Cumulative Zipf weights over the vocabulary, for drawing a tag by inverse transform. */
function zipf(size: number): Float64Array {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = sum += 1 / (rank + 1);
  for (let rank = 0; rank < size; rank++) cumulative[rank] /= sum;
  return cumulative;
}

function drawTag(cumulative: Float64Array, next: () => number): string {
  const u = next();
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle] < u) low = middle + 1;
    else high = middle;
  }
  return `tag-${low}`;
}

/** The `i`-th annotation's creation: 70% shared with every reader, 20% private, 10% shared with users. */
function* annotationChanges(count: number): Generator<AnnotationChange> {
  const next = seededRandom(42);
  const cumulative = zipf(VOCABULARY);
  for (let i = 0; i < count; i++) {
    const roll = next();
    const visibility: Visibility = roll < 0.7 ? "beamtime" : roll < 0.9 ? "private" : "users";
    const author = next() < 0.02 ? "user" : `u${Math.floor(next() * USERS)}`;
    const shared_with =
      visibility === "users" ? [next() < 0.3 ? "user" : `u${Math.floor(next() * USERS)}`] : [];
    const tags = new Set<string>();
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) tags.add(drawTag(cumulative, next));
    if (i % RARE_EVERY === 0) tags.add(RARE);
    const created = 1.7e9 + i;
    const annotation: Annotation = {
      id: `ann-${i}`,
      run: uidOf(Math.floor(next() * RUNS)),
      author,
      created,
      updated: created,
      revision: 1,
      visibility,
      shared_with,
      tags: [...tags],
      body: `note ${i}`,
      values: { rating: 1 + Math.floor(next() * 5) },
    };
    yield { action: "create", annotation, expected: 0, actor: author, at: created };
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Slow searches stop after this long (at least MIN_REPEATS times), so the bench stays within minutes. */
const BUDGET_MS = 10_000;
const MIN_REPEATS = 5;

async function latency(work: () => unknown): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 3; i++) await work();
  const times: number[] = [];
  const began = performance.now();
  while (times.length < REPEATS && (times.length < MIN_REPEATS || performance.now() - began < BUDGET_MS)) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

function report(
  label: string,
  measured: { p50: number; p99: number },
  baseline?: { p50: number; name: string },
) {
  const versus = baseline
    ? ` vs ${baseline.name} ${ms(baseline.p50)} -> ${(measured.p50 / baseline.p50).toFixed(2)}x`
    : "";
  console.log(`  ${label}: p50 ${ms(measured.p50)} p99 ${ms(measured.p99)}${versus}`);
}

/** Runs of the store in batches of start documents only. */
async function putRuns(store: Store): Promise<void> {
  for (let first = 0; first < RUNS; first += BATCH) await store.put(runBatch(first));
}

/** A page of 100 runs, as a search request asks it of the store. */
async function page(store: Store, text: string, readers: readonly string[] | undefined): Promise<number> {
  let found = 0;
  for await (const _ of store.runs(parseQuery(text), { limit: 100, readers })) found++;
  return found;
}

function count(store: Store, text: string, readers: readonly string[] | undefined): Promise<number> {
  return store.count(parseQuery(text), { readers });
}

/** A page of 100 runs and a count: what a search request asks of the store. */
async function pageAndCount(store: Store, text: string, readers: readonly string[] | undefined) {
  await page(store, text, readers);
  return count(store, text, readers);
}

/** The same page of 100 and count for a search of no annotation key: what listing 100 runs costs anyway. */
const PLAIN_SEARCH = 'plan_name == "scan"';

async function measureSearches(name: string, store: Store, rawTag?: (tag: string) => unknown): Promise<void> {
  const broker = new Broker(store);
  const plain = await latency(() => pageAndCount(store, PLAIN_SEARCH, READERS));
  console.log(
    `${name}: the page of 100 + count of ${PLAIN_SEARCH} (no annotations): p50 ${ms(plain.p50)} p99 ${ms(plain.p99)}`,
  );
  const plainBaseline = { p50: plain.p50, name: "no annotation key" };
  for (const text of [`tags contains "${RARE}"`, `tags contains "${COMMON}"`, "annotations.rating >= 4"]) {
    const matching = await count(store, text, READERS);
    const everyone = await count(store, text, undefined);
    console.log(`${name}, ${text}: ${matching} runs for the user (${everyone} with every annotation)`);
    report("page of 100, user's readers", await latency(() => page(store, text, READERS)));
    report("count, user's readers", await latency(() => count(store, text, READERS)));
    const filtered = await latency(() => pageAndCount(store, text, READERS));
    const unfiltered = await latency(() => pageAndCount(store, text, undefined));
    report("page of 100 + count, user's readers", filtered, plainBaseline);
    report("page of 100 + count, no reader filter", unfiltered);
    report("user's readers vs none", filtered, { p50: unfiltered.p50, name: "no reader filter" });
    const tag = /^tags contains "(.*)"$/.exec(text)?.[1];
    if (rawTag && tag !== undefined) {
      const raw = await latency(() => rawTag(tag));
      report("raw SQL, every row of the tag in annotation_tags", raw);
      report("page of 100 + count, user's readers", filtered, { p50: raw.p50, name: "raw SQL" });
    }
    // What a Broker on the catalog itself does (no principal: it reads every annotation).
    const viaBroker = await latency(async () => {
      const view = broker.search(text);
      await view.page({ limit: 100 });
      await view.count();
    });
    report("broker.search(...).page(100) + count()", viaBroker, { p50: unfiltered.p50, name: "store" });
  }
}

/**
 * The SQLite catalog: runs through puts, then the annotations inserted straight into the file, one
 * transaction, by writeAnnotationRows — the writer thread's own code for each change, with its checks and
 * search rows, but without a transaction and a thread round trip per annotation (a million of those would
 * take the bench's minutes on their own). Then the planner's statistics, as the writer refreshes them.
 */
async function buildSqlite(path: string): Promise<void> {
  let t0 = performance.now();
  const writer = new SqliteStore(path);
  await putRuns(writer);
  await writer.close();
  const putSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const bulk = Connection.writer(path);
  try {
    bulk.db.exec("BEGIN IMMEDIATE");
    for (const change of annotationChanges(ANNOTATIONS)) writeAnnotationRows(bulk, change);
    bulk.db.exec("COMMIT");
    bulk.db.pragma("optimize");
    bulk.db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    bulk.close();
  }
  console.log(
    `SQLite: ${RUNS} runs put in ${putSeconds.toFixed(1)} s; ${ANNOTATIONS} annotations written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function sqlite(path: string): Promise<void> {
  if (!existsSync(path)) await buildSqlite(path);
  const store = new SqliteStore(path);
  const raw = Connection.reader(path);
  try {
    const tagRows = raw.sql("SELECT run FROM annotation_tags WHERE tag = ?").pluck();
    await measureSearches("SQLite", store, (tag) => tagRows.all(tag));
  } finally {
    raw.close();
    await store.close();
  }
}

export async function run(): Promise<void> {
  const kept = process.env.DATABROKER_BENCH_CATALOG;
  if (kept) await sqlite(kept);
  else {
    const dir = await mkdtemp(join(tmpdir(), "databroker-annotations-bench-"));
    try {
      await sqlite(join(dir, "catalog.sqlite"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
