// `databroker delete` as users run it (a child process), on SQLite, PostgreSQL and a files catalog: without
// --yes and no terminal it only says what it would delete; with it the run is gone from ls and show, the
// audit names the user and the reason, a second delete fails in one line. Also, on the same catalogs: ingest
// refuses a run with an out-of-range time (time-range finding), and a run planted with one (SQL, as an older
// version stored it) lists and shows without a crash.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { plantStartTime } from "../server/catalogServer.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-delete-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function runFile(
  name: string,
  metadata: Record<string, unknown>,
  time = 1.7e9,
): { uid: string; path: string } {
  const run = composeRun(metadata, { time: 1.7e9 });
  const documents: DocumentPair[] = [
    ["start", { ...run.start, time }],
    ["stop", run.composeStop({ exit_status: "success" })],
  ];
  const path = join(scratch, `${name}.jsonl`);
  writeFileSync(path, documents.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return { uid: run.start.uid, path };
}

const catalogs: Array<[string, () => Promise<string>]> = [
  ["SQLite", async () => join(scratch, `catalog-${Math.random().toString(36).slice(2)}.sqlite`)],
  ["PostgreSQL", async () => (await sharedPostgres()).createDatabase()],
  ["files", async () => `file://${join(scratch, `files-${Math.random().toString(36).slice(2)}`)}`],
];

for (const [name, newCatalog] of catalogs) {
  describe(`databroker delete and out-of-range times (${name})`, () => {
    test("ingest refuses a nanosecond start time with a time-range finding and stores the good run", async () => {
      const catalog = await newCatalog();
      const good = runFile(`good-${name}`, { plan_name: "good" });
      const bad = runFile(`bad-${name}`, { plan_name: "bad" }, 1.7e18);
      const result = databroker(["ingest", good.path, bad.path, "--catalog", catalog]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr + result.stdout, /start time \[time-range\].*looks like nanoseconds/);
      const listed = databroker(["ls", "--json", "--catalog", catalog]);
      assert.deepEqual(
        JSON.parse(listed.stdout).map((row: { uid: string }) => row.uid),
        [good.uid],
      );
    });

    test("delete: refused without --yes, then done, audited, and NotFound the second time", async () => {
      const catalog = await newCatalog();
      const run = runFile(`deleted-${name}`, { plan_name: "doomed", scan_id: 42 });
      const kept = runFile(`kept-${name}`, { plan_name: "kept" });
      assert.equal(databroker(["ingest", run.path, kept.path, "--catalog", catalog]).code, 0);

      const asked = databroker(["delete", run.uid, "--catalog", catalog]);
      assert.equal(asked.code, 1);
      assert.match(asked.stderr, /would delete run .*scan_id 42, plan_name doomed.*add --yes/);
      assert.equal(databroker(["show", run.uid, "--catalog", catalog]).code, 0);

      const done = databroker(["delete", "42", "--yes", "--reason", "wrong sample", "--catalog", catalog]);
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, new RegExp(`^deleted run ${run.uid} `));
      const listed = JSON.parse(databroker(["ls", "--json", "--catalog", catalog]).stdout);
      assert.deepEqual(
        listed.map((row: { uid: string }) => row.uid),
        [kept.uid],
      );

      const again = databroker(["delete", run.uid, "--yes", "--catalog", catalog]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr.trim().split("\n").length, 1, again.stderr);
      assert.match(again.stderr, /^databroker delete: no run /);

      const store = await openStore(catalog);
      try {
        const [record, ...others] = await store.deletions();
        assert.deepEqual(others, []);
        assert.deepEqual(
          [record.uid, record.scan_id, record.plan_name, record.deleted_by, record.reason],
          [run.uid, 42, "doomed", userInfo().username, "wrong sample"],
        );
      } finally {
        await store.close();
      }
    });

    if (name !== "files") {
      test("a run stored with a time no date holds: ls shows '?', show says so, delete removes it", async () => {
        const catalog = await newCatalog();
        const run = runFile(`planted-${name}`, { plan_name: "planted" });
        assert.equal(databroker(["ingest", run.path, "--catalog", catalog]).code, 0);
        await plantStartTime(catalog, run.uid, 1e300);
        const ls = databroker(["ls", "--catalog", catalog]);
        assert.equal(ls.code, 0, ls.stderr);
        assert.match(ls.stdout, new RegExp(`${run.uid}\\s+-\\s+\\?\\s+planted`));
        const show = databroker(["show", "-1", "--catalog", catalog]);
        assert.equal(show.code, 0, show.stderr);
        assert.match(show.stdout, /start \(invalid time 1e\+300\):/);
        const search = databroker(["search", 'plan_name == "planted"', "--catalog", catalog]);
        assert.equal(search.code, 0, search.stderr);
        const done = databroker(["delete", "-1", "--yes", "--catalog", catalog]);
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stdout, /invalid time 1e\+300/);
      });
    }
  });
}

test("delete on a catalog that is not there says so and creates nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "databroker-delete-none-"));
  try {
    for (const catalog of [join(dir, "none.db"), `file://${join(dir, "none")}`]) {
      const result = databroker(["delete", "-1", "--yes", "--catalog", catalog]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^databroker delete: no catalog at /);
      assert.deepEqual(readdirSync(dir), []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
