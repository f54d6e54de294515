// `databroker ls`: newest first, as a table or one JSON array, with --limit.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-ls-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const catalog = join(scratch, "catalog.sqlite");
const runs = [
  smallRun({ plan_name: "count", scan_id: 1 }, 2, 1_600_000_000),
  smallRun({ plan_name: "scan", scan_id: 2 }, 5, 1_600_000_100),
  smallRun({ plan_name: "broken", scan_id: 3 }, 1, 1_600_000_200),
];
const live = smallRun({ scan_id: 4 }, 3, 1_600_000_300);

before(async () => {
  const store = new SqliteStore(catalog);
  for (const run of runs) await store.put(run.documents);
  await store.put(live.documents.slice(0, -1));
  await store.close();
});

test("--json prints one array of runs, newest first, with events per stream and exit status", () => {
  const result = databroker(["ls", "--catalog", catalog, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const listed = JSON.parse(result.stdout);
  assert.deepEqual(listed, [
    {
      uid: live.uid,
      scan_id: 4,
      time: 1_600_000_300,
      plan_name: null,
      streams: { primary: 3 },
      exit_status: null,
    },
    ...[...runs].reverse().map((run, i) => ({
      uid: run.uid,
      scan_id: 3 - i,
      time: 1_600_000_200 - 100 * i,
      plan_name: ["broken", "scan", "count"][i],
      streams: { primary: [1, 5, 2][i] },
      exit_status: i === 0 ? "fail" : "success",
    })),
  ]);
});

test("the table shows the newest runs up to --limit and says how many more there are", () => {
  const result = databroker(["ls", "--catalog", catalog, "--limit", "2"]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.match(lines[0], /^uid\s+scan_id\s+time\s+plan_name\s+events\s+exit_status$/);
  assert.match(
    lines[1],
    new RegExp(
      `^${live.uid}\\s+4\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+-\\s+primary:3\\s+\\(no stop\\)$`,
    ),
  );
  assert.match(lines[2], new RegExp(`^${runs[2].uid}\\s+3\\s+.*broken\\s+primary:1\\s+fail$`));
  assert.equal(lines[3], "(2 more; use --limit)");
  assert.notEqual(databroker(["ls", "--catalog", catalog, "--limit", "0"]).code, 0);
});

test("ls opens read-only a catalog another process is writing to, and sees its commits", async () => {
  const shared = join(scratch, "shared.sqlite");
  const writer = new SqliteStore(shared);
  try {
    await writer.put(runs[0].documents);
    const first = databroker(["ls", "--catalog", shared, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(
      JSON.parse(first.stdout).map((row: { uid: string }) => row.uid),
      [runs[0].uid],
    );
    await writer.put(runs[1].documents);
    const second = databroker(["ls", "--catalog", shared, "--json"]);
    assert.deepEqual(
      JSON.parse(second.stdout).map((row: { uid: string }) => row.uid),
      [runs[1].uid, runs[0].uid],
    );
  } finally {
    await writer.close();
  }
});
