// The SQLite adapter: the shared conformance suite on a real file, plus what only a file can show: several
// processes writing at once lose nothing, a closed file reopens with everything in it, the schema version and
// the upgrade of files at earlier versions.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import type { Visibility } from "../../src/annotations/Annotation.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { UnsupportedError } from "../../src/errors.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { compileQuery } from "../../src/storage/sqlite/compileQuery.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { SCHEMA_VERSION } from "../../src/storage/sqlite/schema.ts";
import { projectRoot } from "../support/sharedData.ts";
import { WITHOUT_SQLITE_VERSION_6, WITHOUT_SQLITE_VERSION_7 } from "../support/sqliteVersions.ts";
import { creation, storedAnnotation } from "./annotationFixture.ts";
import { storeConformance } from "./conformance.ts";
import { realRuns } from "./realRuns.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `catalog-${files++}.sqlite`);

storeConformance("sqlite", async () => new SqliteStore(newFile()), { persistent: true, otherWriters: true });

/** What version 5 added (annotations), dropped: with versions 7 and 6 first, a file as version 4 wrote it. */
const WITHOUT_VERSION_5 =
  "DROP TABLE annotations; DROP TABLE annotation_revisions; DROP TABLE annotation_readers; DROP TABLE annotation_tags";
/** What version 4 added (access data), dropped: with WITHOUT_VERSION_5 first, a file as version 3 wrote it. */
const WITHOUT_VERSION_4 =
  "DROP TABLE access_state; DROP TABLE access_audit; DROP TABLE key_uses; DROP INDEX runs_beamtime";

function writer(path: string, n: number, out: string): Promise<void> {
  const script = join(projectRoot, "test/storage/fixtures/concurrentWriter.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, path, String(n), out], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`writer ${n} exited ${code}: ${stderr}`)),
    );
  });
}

describe("SQLite adapter", () => {
  test("several processes writing different runs into one file at once: every run is stored whole", async () => {
    const path = newFile();
    const writers = [0, 1, 2, 3];
    await Promise.all(writers.map((n) => writer(path, n, join(dir, `sent-${n}.json`))));
    const store = new SqliteStore(path);
    try {
      const sent = writers.flatMap(
        (n) =>
          JSON.parse(readFileSync(join(dir, `sent-${n}.json`), "utf8")) as Array<{
            uid: string;
            documents: DocumentPair[];
          }>,
      );
      assert.equal(sent.length, 20);
      assert.equal(await store.count(), 20);
      for (const run of sent) assert.deepEqual(await collect(store.documents(run.uid)), run.documents);
    } finally {
      await store.close();
    }
  });

  test("a catalog file closed and reopened holds everything, with its schema version and WAL journal", async () => {
    const path = newFile();
    const runs = (await realRuns()).filter((run) => run.source.includes("callbacks-tests"));
    const first = new SqliteStore(path);
    for (const run of runs) await first.put(run.documents);
    await first.close();
    const reopened = new SqliteStore(path);
    try {
      assert.equal(await reopened.count(), runs.length);
      for (const run of runs) assert.deepEqual(await collect(reopened.documents(run.uid)), run.documents);
      const again = await reopened.put(runs[0].documents);
      assert.equal(again.stored, 0);
    } finally {
      await reopened.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
      assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
      // Never one row per event: the callbacks-tests runs hold far more events than pages.
      const pages = db.prepare("SELECT COUNT(*) AS pages, SUM(length) AS events FROM event_pages").get() as {
        pages: number;
        events: number;
      };
      assert.ok(pages.events > 3 * pages.pages, `${pages.events} events in ${pages.pages} pages`);
    } finally {
      db.close();
    }
  });

  test("a file written by a newer schema is refused rather than misread", () => {
    const path = newFile();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new SqliteStore(path), UnsupportedError);
  });

  test("a file at schema version 3 (no access tables) is refused read-only, and upgraded when opened for writing", async () => {
    const path = newFile();
    const [run] = await realRuns();
    const first = new SqliteStore(path);
    await first.put(run.documents);
    await first.close();
    // Versions 4 and 5 only added tables: without them, the file is as version 3 wrote it.
    const db = new Database(path);
    db.exec(
      `${WITHOUT_SQLITE_VERSION_7}; ${WITHOUT_SQLITE_VERSION_6}; ${WITHOUT_VERSION_5}; ${WITHOUT_VERSION_4}`,
    );
    db.pragma("user_version = 3");
    db.close();
    assert.throws(
      () => new SqliteStore(path, undefined, { readOnly: true }),
      (error: unknown) =>
        error instanceof UnsupportedError && /version 3.*databroker migrate/.test(error.message),
    );
    const upgraded = new SqliteStore(path);
    try {
      assert.deepEqual(await collect(upgraded.documents(run.uid)), run.documents);
      assert.equal(await upgraded.access.version(), 0);
      assert.equal(await upgraded.access.write(0, { upgraded: true }, []), 1);
    } finally {
      await upgraded.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    } finally {
      check.close();
    }
    const reader = new SqliteStore(path, undefined, { readOnly: true });
    try {
      assert.deepEqual(await reader.access.read(), { version: 1, state: { upgraded: true } });
    } finally {
      await reader.close();
    }
  });

  test("a file at schema version 4 (no annotation tables) is upgraded in place, its runs and access kept", async () => {
    const path = newFile();
    const [run] = await realRuns();
    const first = new SqliteStore(path);
    await first.put(run.documents);
    await first.access.write(0, { kept: true }, []);
    await first.close();
    const db = new Database(path);
    db.exec(`${WITHOUT_SQLITE_VERSION_7}; ${WITHOUT_SQLITE_VERSION_6}; ${WITHOUT_VERSION_5}`);
    db.pragma("user_version = 4");
    db.close();
    assert.throws(
      () => new SqliteStore(path, undefined, { readOnly: true }),
      (error: unknown) =>
        error instanceof UnsupportedError && /version 4.*databroker migrate/.test(error.message),
    );
    const upgraded = new SqliteStore(path);
    try {
      assert.deepEqual(await collect(upgraded.documents(run.uid)), run.documents);
      assert.deepEqual(await upgraded.access.read(), { version: 1, state: { kept: true } });
      await upgraded.annotations.write(
        creation(storedAnnotation(run.uid, "upgraded-1", { tags: ["after-upgrade"] })),
      );
      assert.equal(await upgraded.count(parseQuery('tags contains "after-upgrade"')), 1);
      // Version 6 summed the statistics stored before per stream: the run's streams are searchable at once.
      assert.equal(await upgraded.count(parseQuery("has mca and has baseline and baseline.events >= 1")), 1);
    } finally {
      await upgraded.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    } finally {
      check.close();
    }
  });

  test("a file at schema version 6 (no fuzzy vocabulary) is upgraded with the words of its runs", async () => {
    const path = newFile();
    const run = smallRun({ plan_name: "count", sample: "germanium crystal" }, 1);
    const first = new SqliteStore(path);
    await first.put(run.documents);
    await first.close();
    const db = new Database(path);
    db.exec(WITHOUT_SQLITE_VERSION_7);
    db.pragma("user_version = 6");
    db.close();
    const upgraded = new SqliteStore(path);
    try {
      assert.equal(await upgraded.count(parseQuery('~"germanum crystl"')), 1);
      await upgraded.deleteRun(run.uid, { by: "tester" });
    } finally {
      await upgraded.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.pragma("user_version", { simple: true }), SCHEMA_VERSION);
      // The deleted run's words left the vocabulary with it.
      assert.equal(check.prepare("SELECT count(*) FROM fuzzy_words").pluck().get(), 0);
      assert.equal(check.prepare("SELECT count(*) FROM fuzzy_trigrams").pluck().get(), 0);
    } finally {
      check.close();
    }
  });

  test("a tag searched as a common one (probed run by run) finds what a rare one (listed) does", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    const runs = [1, 2, 3].map((scan) =>
      smallRun({ plan_name: "tagged", scan_id: scan }, 1, 1_700_000_000 + scan),
    );
    const tagged = (id: string, run: string, visibility: Visibility, tags: string[]) =>
      storedAnnotation(run, id, { visibility, tags });
    try {
      for (const run of runs) await store.put(run.documents);
      for (const annotation of [
        tagged("a", runs[0].uid, "beamtime", ["x", "y"]),
        tagged("b", runs[1].uid, "private", ["x"]),
        tagged("c", runs[2].uid, "beamtime", ["y"]),
      ])
        await store.annotations.write(creation(annotation));
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      for (const readers of [undefined, ["*"], ["*", "u1"], []]) {
        for (const text of [
          'tags contains "x"',
          'not tags contains "x"',
          'tags contains "x" or scan_id == 3',
        ]) {
          const uids = (isCommonTag: boolean) => {
            const where = compileQuery(parseQuery(text), { readers, isCommonTag: () => isCommonTag });
            return db
              .prepare(`SELECT uid FROM runs WHERE ${where.sql} ORDER BY uid`)
              .pluck()
              .all(...where.params);
          };
          assert.deepEqual(uids(true), uids(false), `${text} for ${JSON.stringify(readers)}`);
        }
      }
      const where = compileQuery(parseQuery('tags contains "x"'), {
        readers: ["*"],
        isCommonTag: () => true,
      });
      assert.match(where.sql, /^EXISTS/);
    } finally {
      db.close();
    }
  });

  test("a data query probed run by run (many rows) finds what a listed one (few rows) does", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    try {
      for (let scan = 1; scan <= 6; scan++)
        await store.put(
          smallRun({ plan_name: "data", scan_id: scan }, scan - 1, 1_700_000_000 + scan).documents,
        );
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      for (const text of [
        "primary.x.max >= 3",
        "not primary.x.min < 1",
        "primary.x within [0, 2] or primary.events == 0",
        "has primary.x and primary.x.sum > 1",
        "primary.x.shape == []",
      ]) {
        const uids = (many: boolean) => {
          const where = compileQuery(parseQuery(text), { hasManyStatsRows: () => many });
          assert.equal(/EXISTS/.test(where.sql), many, where.sql);
          return db
            .prepare(`SELECT uid FROM runs WHERE ${where.sql} ORDER BY uid`)
            .pluck()
            .all(...where.params);
        };
        const listed = uids(false);
        assert.ok(listed.length > 0 && listed.length < 6, `${text} tells runs apart`);
        assert.deepEqual(uids(true), listed, text);
      }
    } finally {
      db.close();
    }
  });

  test("queries compile to SQL with every value bound as a parameter", () => {
    const hostile = "x'); DROP TABLE runs; --";
    const compiled = compileQuery({
      op: "or",
      queries: [
        { op: "eq", key: "plan_name", value: hostile },
        { op: "comparison", key: "stop.num_events.primary", operator: "ge", value: 3 },
        { op: "keyPresent", key: hostile },
      ],
    });
    assert.ok(!compiled.sql.includes(hostile));
    assert.deepEqual(compiled.params, [hostile, 3]);
    // Key paths are inlined (so expression indexes apply), as SQL literals with quotes doubled.
    assert.match(compiled.sql, /json_extract\(runs\.stop, '\$\."num_events"\."primary"'\)/);
    assert.ok(compiled.sql.includes(`'$."${hostile.replaceAll("'", "''")}"'`));
  });
});
