// Tag search over annotations on PostgreSQL: 100,000 runs with 1,000,000 annotations (10 a run on average,
// 70% shared with the beamtime, 20% private, 10% shared with one user), written in bulk straight into the
// migration's tables (test/support/bulkAnnotations.ts). Latency (p50, p99) of a page of 100 runs and of a count, as one user (reader tokens
// "*" and that user) searches a rare tag (about 100 annotations) and a common one (10% of annotations), and
// a value of an annotation (`annotations.rating`), each against a plain start-key search in the same run.
// DATABROKER_BENCH_RUNS / DATABROKER_BENCH_ANNOTATIONS change the sizes; BENCH_EXPLAIN=1 prints EXPLAIN
// ANALYZE of each statement.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { composeRun } from "../src/documents/compose.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { parseQuery } from "../src/queries/parseQuery.ts";
import { PostgresStore } from "../src/storage/postgres/PostgresStore.ts";
import {
  countStatement,
  runsStatement,
  type SqlStatement,
} from "../src/storage/postgres/searchStatements.ts";
import { bulkAnnotationsSql } from "../test/support/bulkAnnotations.ts";
import { startPostgres } from "../test/support/postgresServer.ts";

const RUNS = Number(process.env.DATABROKER_BENCH_RUNS || 100_000);
const ANNOTATIONS = Number(process.env.DATABROKER_BENCH_ANNOTATIONS || 10 * RUNS);
const PAGE = 100;
const SAMPLES = 40;
const READERS = ["*", "u_7"];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latencies(work: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const found: number[] = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const t0 = performance.now();
    await work();
    // The first five warm caches.
    if (i >= 5) found.push(performance.now() - t0);
  }
  found.sort((a, b) => a - b);
  return { p50: percentile(found, 50), p99: percentile(found, 99) };
}

function runStart(i: number): DocumentPair {
  const run = composeRun({ plan_name: `plan_${i % 40}`, scan_id: i + 1 }, { time: 1_700_000_000 + i * 60 });
  return ["start", run.start];
}

async function explain(client: pg.Client, statement: SqlStatement): Promise<void> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
  for (const row of rows) console.log(`    ${row["QUERY PLAN"]}`);
}

export async function run(): Promise<void> {
  const server = await startPostgres();
  const uri = await server.createDatabase();
  const store = await PostgresStore.open(uri);
  const client = new pg.Client({ connectionString: uri });
  try {
    await client.connect();
    let t0 = performance.now();
    for (let at = 0; at < RUNS; at += 5000)
      await store.put(Array.from({ length: 5000 }, (_, i) => runStart(at + i)));
    console.log(`${RUNS} runs put in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await client.query(bulkAnnotationsSql(ANNOTATIONS));
    console.log(
      `${ANNOTATIONS} annotations written in bulk in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const compile = { readers: READERS };
    // The baseline measured in the same run: a search of the start document alone (no annotation key).
    const plain = parseQuery('plan_name == "plan_3"');
    const basePage = await latencies(async () => {
      for await (const _ of store.runs(plain, { limit: PAGE }));
    });
    const baseCount = await latencies(() => store.count(plain));
    console.log(
      `baseline plan_name == "plan_3": page p50 ${basePage.p50.toFixed(2)} ms; count p50 ${baseCount.p50.toFixed(2)} ms`,
    );
    for (const text of ['tags contains "rare"', 'tags contains "good"', "annotations.rating == 4"]) {
      const query = parseQuery(text);
      const runs = await store.count(query, { readers: READERS });
      const page = await latencies(async () => {
        for await (const _ of store.runs(query, { readers: READERS, limit: PAGE }));
      });
      const count = await latencies(() => store.count(query, { readers: READERS }));
      console.log(
        `${text} as ${READERS.join(", ")} (${runs} runs): page of ${PAGE} p50 ${page.p50.toFixed(2)} ms ` +
          `p99 ${page.p99.toFixed(2)} ms (${(page.p50 / basePage.p50).toFixed(2)}x baseline); count p50 ` +
          `${count.p50.toFixed(2)} ms p99 ${count.p99.toFixed(2)} ms (${(count.p50 / baseCount.p50).toFixed(2)}x baseline)`,
      );
      if (process.env.BENCH_EXPLAIN) {
        console.log("  page:");
        await explain(client, runsStatement(query, { limit: PAGE }, compile));
        console.log("  count:");
        await explain(client, countStatement(query, compile));
      }
    }
  } finally {
    await client.end();
    await store.close();
    server.stop();
  }
}
