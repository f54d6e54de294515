// The PostgreSQL catalog's schema and how it is opened: migrations on a fresh database, a reopen that changes
// nothing, an older catalog upgraded (version 3 to annotations), first opens racing from several pools, a
// newer schema refused, `databroker migrate` through the real binary, postgresql:// and postgres:// catalog
// URIs, and values that only ever travel as parameters.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { UnsupportedError } from "../../src/errors.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/storage/postgres/migrations.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import { runsStatement } from "../../src/storage/postgres/searchStatements.ts";
import { databroker } from "../cli/storageCli.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { creation, storedAnnotation } from "./annotationFixture.ts";
import { realRuns } from "./realRuns.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

async function sql<T extends Record<string, unknown>>(uri: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const appliedVersions = (uri: string) =>
  sql<{ version: number; applied_at: Date }>(
    uri,
    "SELECT version, applied_at FROM databroker_schema ORDER BY version",
  );

describe("PostgreSQL schema", () => {
  test("a fresh database is migrated on open; reopening it changes nothing and finds everything", async () => {
    const uri = await server.createDatabase();
    const runs = (await realRuns()).filter((run) => run.source.includes("callbacks-tests"));
    const first = await PostgresStore.open(uri);
    for (const run of runs) await first.put(run.documents);
    await first.close();
    const applied = await appliedVersions(uri);
    assert.deepEqual(
      applied.map((row) => row.version),
      MIGRATIONS.map((migration) => migration.version),
    );
    const tables = await sql<{ name: string }>(
      uri,
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    assert.deepEqual(
      tables.map((row) => row.name),
      [
        "access_audit",
        "access_state",
        "annotation_readers",
        "annotation_revisions",
        "annotation_tags",
        "annotations",
        "batches",
        "databroker_schema",
        "datum_pages",
        "deletions",
        "descriptors",
        "documents",
        "event_columns",
        "event_pages",
        "field_stats",
        "fuzzy_trigrams",
        "fuzzy_words",
        "key_uses",
        "run_logs",
        "runs",
        "stream_stats",
        "streams",
      ],
    );
    const reopened = await PostgresStore.open(uri);
    try {
      assert.deepEqual(await appliedVersions(uri), applied, "nothing applied twice");
      assert.equal(await reopened.count(), runs.length);
      for (const run of runs) assert.deepEqual(await collect(reopened.documents(run.uid)), run.documents);
      assert.equal((await reopened.put(runs[0].documents)).stored, 0);
    } finally {
      await reopened.close();
    }
    // Events are stored as pages of columns, never one row per event.
    const [pages] = await sql<{ pages: number; events: number }>(
      uri,
      "SELECT count(*)::int AS pages, sum(length)::int AS events FROM event_pages",
    );
    assert.ok(pages.events > 3 * pages.pages, `${pages.events} events in ${pages.pages} pages`);
  });

  test("a version 3 catalog is refused by a read-only open and upgraded to annotations by a migrating one", async () => {
    const uri = await server.createDatabase();
    const run = smallRun({ plan_name: "before_annotations" });
    const first = await PostgresStore.open(uri);
    await first.put(run.documents);
    await first.close();
    // Back to what version 3 left: no annotation tables, no row for version 4.
    await sql(
      uri,
      `DROP TABLE fuzzy_words, fuzzy_trigrams;
       DROP TABLE stream_stats;
       ALTER TABLE field_stats DROP COLUMN sum_min, DROP COLUMN sum_max, DROP COLUMN mean_min, DROP COLUMN mean_max,
         DROP COLUMN indexed;
       DROP TABLE annotations, annotation_revisions, annotation_readers, annotation_tags;
       DELETE FROM databroker_schema WHERE version >= 4`,
    );
    await assert.rejects(
      PostgresStore.open(uri, { migrate: false }),
      new RegExp(`catalog schema version 3, this databroker reads ${SCHEMA_VERSION}: run databroker migrate`),
    );
    const upgraded = await PostgresStore.open(uri);
    try {
      assert.deepEqual(
        (await appliedVersions(uri)).map((row) => row.version),
        MIGRATIONS.map((migration) => migration.version),
      );
      assert.deepEqual(await collect(upgraded.documents(run.uid)), run.documents);
      await upgraded.annotations.write(
        creation(storedAnnotation(run.uid, "upgraded-1", { tags: ["after-upgrade"] })),
      );
      assert.equal(await upgraded.count({ op: "contains", key: "tags", value: "after-upgrade" }), 1);
    } finally {
      await upgraded.close();
    }
  });

  test("a version 5 catalog is upgraded with a fuzzy vocabulary of its runs' words", async () => {
    const uri = await server.createDatabase();
    const run = smallRun({ plan_name: "count", sample: "germanium crystal" });
    const first = await PostgresStore.open(uri);
    await first.put(run.documents);
    await first.close();
    await sql(
      uri,
      "DROP TABLE fuzzy_words, fuzzy_trigrams; DELETE FROM databroker_schema WHERE version >= 6",
    );
    const upgraded = await PostgresStore.open(uri);
    try {
      assert.equal(await upgraded.count({ op: "fuzzy", text: "germanum crystl" }), 1);
      await upgraded.deleteRun(run.uid, { by: "tester" });
      // The deleted run's words left the vocabulary with it.
      const left = await sql<{ n: number }>(
        uri,
        "SELECT (SELECT count(*) FROM fuzzy_words) + (SELECT count(*) FROM fuzzy_trigrams) AS n",
      );
      assert.equal(Number(left[0].n), 0);
    } finally {
      await upgraded.close();
    }
  });

  test("several pools opening one fresh database at once migrate it exactly once", async () => {
    const uri = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(uri)));
    try {
      assert.deepEqual(
        (await appliedVersions(uri)).map((row) => row.version),
        MIGRATIONS.map((migration) => migration.version),
      );
      // Every one of them works on the same catalog.
      await Promise.all(stores.map((store, i) => store.put(smallRun({ plan_name: "race", i }).documents)));
      for (const store of stores) assert.equal(await store.count(), stores.length);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test("a database written by a newer schema version is refused rather than misread", async () => {
    const uri = await server.createDatabase();
    await (await PostgresStore.open(uri)).close();
    await sql(uri, "INSERT INTO databroker_schema (version, description) VALUES ($1, 'from the future')", [
      SCHEMA_VERSION + 1,
    ]);
    await assert.rejects(PostgresStore.open(uri), (error: Error) => {
      assert.ok(error instanceof UnsupportedError);
      assert.match(
        error.message,
        new RegExp(
          `schema version ${SCHEMA_VERSION + 1} is newer than this databroker reads \\(${SCHEMA_VERSION}\\)`,
        ),
      );
      return true;
    });
    // Without migrating on open (a read), an empty database is no catalog, and the message says what to do.
    await assert.rejects(
      PostgresStore.open(await server.createDatabase(), { migrate: false }),
      /no catalog at postgresql:.* \(the database has no databroker schema\): check --catalog, or create one/,
    );
  });

  test("databroker migrate applies the migrations and prints the version; a second run finds it current", async () => {
    const uri = await server.createDatabase();
    const first = databroker(["migrate", "--catalog", uri]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), `${uri}: migrated from schema version 0 to ${SCHEMA_VERSION}`);
    const second = databroker(["migrate", "--catalog", uri]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), `${uri}: schema version ${SCHEMA_VERSION}, already current`);
    const store = await PostgresStore.open(uri, { migrate: false });
    await store.close();
    // A newer schema and an unreachable server: one line on stderr, exit 1.
    await sql(uri, "INSERT INTO databroker_schema (version, description) VALUES ($1, 'later')", [
      SCHEMA_VERSION + 1,
    ]);
    const refused = databroker(["migrate", "--catalog", uri]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^databroker migrate: .*is newer than this databroker reads/);
    const closed = databroker(["migrate", "--catalog", "postgresql://postgres@127.0.0.1:1/none"]);
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /^databroker migrate: .*ECONNREFUSED/);
  });

  test("postgresql:// and postgres:// catalog URIs open this adapter, also from the command line", async () => {
    const uri = await server.createDatabase();
    const store = await openStore(uri);
    assert.ok(store instanceof PostgresStore);
    assert.equal(store.uri, uri);
    const { uid, documents } = smallRun({ plan_name: "by_uri", scan_id: 42 });
    await store.put(documents);
    await store.close();
    const short = await openStore(uri.replace("postgresql://", "postgres://"));
    assert.equal((await short.findRun(42)).uid, uid);
    await short.close();
    const listed = databroker(["ls", "--catalog", uri, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).map((run: { uid: string; scan_id: number }) => [run.uid, run.scan_id]),
      [[uid, 42]],
    );
  });

  test("query values travel only as parameters: hostile text is data, and the tables survive it", async () => {
    const uri = await server.createDatabase();
    const store = await PostgresStore.open(uri);
    try {
      const hostile = "x'); DROP TABLE runs; --";
      const { uid, documents } = smallRun({ plan_name: hostile, note: "it's" });
      await store.put(documents);
      const query = {
        op: "or" as const,
        queries: [
          { op: "eq" as const, key: "plan_name", value: hostile },
          { op: "like" as const, key: "note", pattern: "%'%" },
          { op: "comparison" as const, key: "sample.it's", operator: "ge" as const, value: hostile },
        ],
      };
      const statement = runsStatement(query, {}, {});
      assert.ok(!statement.text.includes(hostile));
      assert.ok(
        !statement.text.includes("it's"),
        "keys are parameters too (only our indexed names are constants)",
      );
      assert.ok(statement.values.includes(JSON.stringify({ plan_name: hostile })));
      assert.deepEqual(
        (await collect(store.runs(query))).map((run) => run.uid),
        [uid],
      );
      assert.equal(await store.count({ op: "eq", key: "note", value: "it's" }), 1);
    } finally {
      await store.close();
    }
  });
});
