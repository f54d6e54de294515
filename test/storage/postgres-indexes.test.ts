// The PostgreSQL catalog's indexes are what its searches use: EXPLAIN of the statements the store runs, on
// 100,000 runs (and as many annotations) after ANALYZE, left to the planner's own choice (sequential scans stay enabled; on a few
// thousand runs a sequential scan is rightly cheaper than a GIN bitmap, so the catalog is sized as a real one).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import type { Query } from "../../src/queries/Query.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import {
  countStatement,
  runsStatement,
  type SqlStatement,
} from "../../src/storage/postgres/searchStatements.ts";
import type { StoreRunsOptions } from "../../src/storage/Store.ts";
import { bulkAnnotationsSql } from "../support/bulkAnnotations.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { collect } from "./storeHelpers.ts";

const RUNS = 100_000;
const T0 = 1_700_000_000;

let server: PostgresServer;
let store: PostgresStore;
let client: pg.Client;

/**
 * Run i: one of 40 plans, scan_id i + 1, a minute after run i - 1; one in a thousand has a rare word, one in
 * five hundred a rare detector and attenuator.
 */
function runStart(i: number): DocumentPair {
  const run = composeRun(
    {
      plan_name: `plan_${i % 40}`,
      scan_id: i + 1,
      sample: i % 1000 === 0 ? "zirconium oxide" : "silicon wafer",
      detectors: ["det", i % 500 === 0 ? "pilatus" : "eiger"],
      attenuators: [0, i % 500 === 0 ? 12 : 3],
    },
    { time: T0 + i * 60 },
  );
  return ["start", run.start];
}

before(async () => {
  server = await startPostgres();
  const uri = await server.createDatabase();
  store = await PostgresStore.open(uri);
  for (let at = 0; at < RUNS; at += 5000)
    await store.put(Array.from({ length: 5000 }, (_, i) => runStart(at + i)));
  client = new pg.Client({ connectionString: uri });
  await client.connect();
  // One annotation a run on average (the helper ends with ANALYZE).
  await client.query(bulkAnnotationsSql(RUNS));
});

after(async () => {
  await client?.end();
  await store?.close();
  server?.stop();
});

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every index the plan of `statement` reads, and whether it scans the runs table sequentially. */
async function plan(statement: SqlStatement): Promise<{ indexes: Set<string>; seqScan: boolean }> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
  const indexes = new Set<string>();
  let seqScan = false;
  const walk = (node: PlanNode) => {
    if (node["Index Name"]) indexes.add(node["Index Name"]);
    if (node["Node Type"] === "Seq Scan") seqScan = true;
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(rows[0]["QUERY PLAN"][0].Plan);
  return { indexes, seqScan };
}

async function assertUses(statement: SqlStatement, index: string): Promise<void> {
  const found = await plan(statement);
  assert.ok(
    found.indexes.has(index),
    `expected ${index}, plan reads ${[...found.indexes].join(", ") || "no index"}`,
  );
  assert.ok(!found.seqScan, "no sequential scan of runs");
}

const search = (query: Query, options: StoreRunsOptions = {}) => runsStatement(query, options, {});

describe("PostgreSQL indexes", () => {
  test("eq on plan_name and on scan_id is JSONB containment on the GIN index of start", async () => {
    const byPlan: Query = { op: "eq", key: "plan_name", value: "plan_7" };
    await assertUses(search(byPlan), "runs_start");
    await assertUses(countStatement(byPlan, {}), "runs_start");
    const byScanId: Query = { op: "eq", key: "scan_id", value: 1234 };
    await assertUses(search(byScanId), "runs_start");
    assert.equal(await store.count(byPlan), RUNS / 40);
    assert.deepEqual(
      (await collect(store.runs(byScanId))).map((run) => run.start.scan_id),
      [1234],
    );
  });

  test("scan_id selections and comparisons read the scan_id expression index", async () => {
    await assertUses(search({ op: "scanId", scanIds: [10, 20], duplicates: "all" }), "runs_scan_id");
    await assertUses(
      search({ op: "scanIdRange", startId: 100, endId: 110, duplicates: "all" }),
      "runs_scan_id",
    );
    await assertUses(
      search({ op: "comparison", key: "scan_id", operator: "ge", value: RUNS - 5 }),
      "runs_scan_id",
    );
    // "latest" keeps the newest run of each scan_id: its subquery reads the same index.
    await assertUses(search({ op: "scanId", scanIds: [10], duplicates: "latest" }), "runs_scan_id");
    assert.equal(
      await store.count({ op: "scanIdRange", startId: 100, endId: 110, duplicates: "latest" }),
      10,
    );
  });

  test("a time range reads the time expression index", async () => {
    const hour: Query = { op: "timeRange", since: T0 + 3600, until: T0 + 7200, timezone: "UTC" };
    await assertUses(search(hour), "runs_time");
    assert.equal(await store.count(hour), 60);
  });

  test("a uid prefix is a range of the uid primary key", async () => {
    const [some] = await collect(store.runs({ op: "all" }, { limit: 1 }));
    const prefix = some.uid.slice(0, 8);
    await assertUses(search({ op: "partialUid", prefixes: [prefix] }), "runs_pkey");
    assert.equal((await store.findRun(prefix)).uid, some.uid);
  });

  test("newest first with a limit walks the time index instead of sorting every run", async () => {
    const statement = search({ op: "all" }, { limit: 10 });
    await assertUses(statement, "runs_time");
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
    assert.doesNotMatch(JSON.stringify(rows[0]), /"Node Type":"Sort"/);
    const newest = await collect(store.runs({ op: "all" }, { limit: 3 }));
    assert.deepEqual(
      newest.map((run) => run.start.scan_id),
      [RUNS, RUNS - 1, RUNS - 2],
    );
  });

  test("string comparisons on plan_name read its expression index; full text reads the tsvector index", async () => {
    await assertUses(
      search({ op: "comparison", key: "plan_name", operator: "ge", value: "plan_9" }),
      "runs_plan_name",
    );
    const rare: Query = { op: "fullText", text: "Zirconium" };
    await assertUses(search(rare), "runs_words");
    assert.equal(await store.count(rare), RUNS / 1000);
    // List membership is containment too; for a string it also means a substring, which no index serves.
    const twelve: Query = { op: "contains", key: "attenuators", value: 12 };
    await assertUses(search(twelve), "runs_start");
    assert.equal(await store.count(twelve), RUNS / 500);
    assert.equal(await store.count({ op: "contains", key: "detectors", value: "pilatus" }), RUNS / 500);
  });

  test("a tag search as one user reads the (tag, reader, run) index of the tags' search rows", async () => {
    const rare: Query = { op: "contains", key: "tags", value: "rare" };
    const readers = ["*", "u_7"];
    await assertUses(runsStatement(rare, { limit: 100 }, { readers }), "annotation_tags_tag");
    await assertUses(countStatement(rare, { readers }), "annotation_tags_tag");
    const { rows } = await client.query(
      `SELECT count(DISTINCT t.run)::int AS n FROM annotation_tags t JOIN annotation_readers r
       ON r.annotation = t.annotation WHERE t.tag = 'rare' AND r.reader = ANY($1)`,
      [readers],
    );
    assert.ok(rows[0].n > 0);
    assert.equal(await store.count(rare, { readers }), rows[0].n);
  });
});
