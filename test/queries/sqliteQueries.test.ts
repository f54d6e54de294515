// SQLite specifics of queries: the usual keys are answered through their indexes (EXPLAIN QUERY PLAN), a
// catalog of schema version 1 is upgraded in place and then answers like a new one, and the `regexp`
// function is there for SQL written by hand.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import {
  fullText,
  key,
  partialUid,
  type Query,
  scanId,
  scanIdRange,
  timeRange,
} from "../../src/queries/index.ts";
import { compileQuery } from "../../src/storage/sqlite/compileQuery.ts";
import { registerQueryFunctions } from "../../src/storage/sqlite/functions.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { SCHEMA_VERSION } from "../../src/storage/sqlite/schema.ts";
import { WITHOUT_SQLITE_VERSION_6, WITHOUT_SQLITE_VERSION_7 } from "../support/sqliteVersions.ts";

const root = mkdtempSync(join(tmpdir(), "databroker-sqlite-queries-"));
after(() => rmSync(root, { recursive: true, force: true }));

const PLANS = ["scan", "count", "rel_scan", "grid_scan", "list_scan"];

/** `count` runs with start, one descriptor and a stop; metadata varies with the index. */
function runs(count: number): DocumentPair[] {
  const documents: DocumentPair[] = [];
  for (let i = 0; i < count; i++) {
    const run = composeRun(
      {
        plan_name: PLANS[i % PLANS.length],
        scan_id: i % 700,
        sample: i % 3 === 0 ? "Si wafer" : `sample ${i}`,
        beamtime: `B${i % 200}`,
      },
      { time: 1_600_000_000 + i * 60 },
    );
    const stream = run.composeDescriptor({
      name: "primary",
      data_keys: { det: { dtype: "number", shape: [], source: "sim", units: i % 2 ? "counts" : "mm" } },
    });
    documents.push(["start", run.start], ["descriptor", stream.descriptor], ["stop", run.composeStop()]);
  }
  return documents;
}

async function uids(store: SqliteStore, query: Query): Promise<string[]> {
  const found: string[] = [];
  for await (const summary of store.runs(query)) found.push(summary.uid);
  return found;
}

describe("SQLite query plans", () => {
  const path = join(root, "plans.sqlite");
  let db: Database.Database;

  before(async () => {
    const store = new SqliteStore(path);
    await store.put(runs(2000));
    await store.close();
    db = new Database(path, { readonly: true });
    registerQueryFunctions(db);
  });
  after(() => db.close());

  function plan(query: Query): string {
    const { sql, params } = compileQuery(query);
    const rows = db.prepare(`EXPLAIN QUERY PLAN SELECT uid FROM runs WHERE ${sql}`).all(...params) as Array<{
      detail: string;
    }>;
    return rows.map((row) => row.detail).join("\n");
  }

  it("uses the indexes of the usual keys", () => {
    assert.match(
      plan(key("plan_name").eq("scan")),
      /SEARCH runs USING (COVERING )?INDEX runs_plan_name \(<expr>=\?/,
    );
    assert.match(
      plan(key("plan_name").in(["scan", "count"])),
      /SEARCH runs USING (COVERING )?INDEX runs_plan_name \(<expr>=\?/,
    );
    assert.match(plan(key("start.plan_name").eq("scan")), /USING (COVERING )?INDEX runs_plan_name/);
    // The access rules' visible beamtimes (access/AccessPolicy.ts) are found by their index too.
    assert.match(
      plan(key("beamtime").in(["B1a", "B2"])),
      /SEARCH runs USING (COVERING )?INDEX runs_beamtime \(<expr>=\?/,
    );
    assert.match(plan(key("scan_id").eq(5)), /SEARCH runs USING INDEX runs_scan_id \(scan_id=\?\)/);
    assert.match(plan(key("scan_id").ge(5)), /SEARCH runs USING INDEX runs_scan_id \(scan_id>\?\)/);
    assert.match(
      plan(scanIdRange(5, 9)),
      /SEARCH runs USING INDEX runs_scan_id \(scan_id>\? AND scan_id<\?\)/,
    );
    // The newest of a scan_id: the outer search and the correlated search for a newer run both use it.
    const latest = plan(scanId(5));
    assert.match(latest, /SEARCH runs USING INDEX runs_scan_id \(scan_id=\?\)/);
    assert.match(latest, /SEARCH s\d USING INDEX runs_scan_id \(scan_id=\?/);
    assert.match(
      plan(timeRange({ since: 1_600_000_000, until: 1_600_003_600, timezone: "UTC" })),
      /SEARCH runs USING (COVERING )?INDEX runs_time \(time>\? AND time<\?\)/,
    );
    assert.match(plan(key("time").gt(1_600_000_000)), /USING (COVERING )?INDEX runs_time \(time>\?\)/);
    assert.match(
      plan(partialUid("abcdef")),
      /SEARCH runs USING (COVERING )?INDEX sqlite_autoindex_runs_1 \(uid>\? AND uid<\?\)/,
    );
    assert.match(
      plan(key("uid").eq("abc")),
      /SEARCH runs USING (COVERING )?INDEX sqlite_autoindex_runs_1 \(uid=\?\)/,
    );
    assert.match(plan(fullText("wafer")), /VIRTUAL TABLE INDEX/);
    // In a conjunction an index still applies.
    assert.match(
      plan(
        key("plan_name")
          .eq("scan")
          .and(key("sample").like("Si%"), key("descriptors.data_keys.det.units").eq("mm")),
      ),
      /SEARCH runs USING (COVERING )?INDEX runs_plan_name/,
    );
  });

  it("scans where no index can answer", () => {
    assert.match(plan(key("sample").eq("Si wafer")), /SCAN runs/);
  });
});

describe("a catalog of schema version 1", () => {
  it("is upgraded in place and then answers as a new catalog does", async () => {
    const documents = runs(40);
    const fresh = new SqliteStore(join(root, "fresh.sqlite"));
    await fresh.put(documents);
    const path = join(root, "old.sqlite");
    const old = new SqliteStore(path);
    await old.put(documents);
    await old.close();
    // Back to version 1: no plan_name index, no descriptor JSON, raw text in an FTS5 table of the default
    // tokenizer, scan_id only for integers, no deletion audit, no access data, no annotations, no statistics
    // for search into data.
    const db = new Database(path);
    db.exec(`
      ${WITHOUT_SQLITE_VERSION_7};
      ${WITHOUT_SQLITE_VERSION_6};
      DROP TABLE annotations;
      DROP TABLE annotation_revisions;
      DROP TABLE annotation_readers;
      DROP TABLE annotation_tags;
      DROP TABLE access_state;
      DROP TABLE access_audit;
      DROP TABLE key_uses;
      DROP INDEX runs_beamtime;
      DROP TABLE deletions;
      DROP INDEX runs_plan_name;
      DROP TABLE run_descriptors;
      DROP TABLE run_text;
      CREATE VIRTUAL TABLE run_text USING fts5 (uid UNINDEXED, text);
      INSERT INTO run_text (uid, text) SELECT uid, json_extract(start, '$.sample') FROM runs;
      UPDATE runs SET scan_id = NULL WHERE scan_id % 2 = 1;
    `);
    db.pragma("user_version = 1");
    db.close();

    const upgraded = new SqliteStore(path);
    const check = new Database(path, { readonly: true });
    assert.equal(check.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    assert.equal(check.prepare("SELECT COUNT(*) FROM run_descriptors").pluck().get(), 40);
    assert.equal(check.prepare("SELECT COUNT(*) FROM runs WHERE scan_id IS NULL").pluck().get(), 0);
    check.close();
    const queries: Query[] = [
      fullText("wafer"),
      fullText("SAMPLE 7"),
      key("descriptors.data_keys.det.units").eq("counts"),
      key("plan_name").eq("scan"),
      scanId([3, 5, 7]),
      key("scan_id").ge(30),
    ];
    for (const query of queries) {
      const expected = await uids(fresh, query);
      assert.ok(expected.length > 0);
      assert.deepEqual(await uids(upgraded, query), expected);
    }
    await upgraded.close();
    await fresh.close();
  });
});

describe("the regexp function", () => {
  it("runs ECMAScript expressions for REGEXP and for regexp(pattern, text, flags)", () => {
    const db = new Database(":memory:");
    registerQueryFunctions(db);
    const get = (sql: string) => db.prepare(sql).pluck().get();
    assert.equal(get("SELECT 'Ni foil' REGEXP '^Ni\\s'"), 1);
    assert.equal(get("SELECT 'ni foil' REGEXP '^Ni'"), 0);
    assert.equal(get("SELECT regexp('^Ni', 'ni foil', 'i')"), 1);
    assert.equal(get("SELECT regexp('^.$', '𝔘')"), 1);
    assert.equal(get("SELECT regexp('x', NULL)"), 0);
    db.close();
  });
});
