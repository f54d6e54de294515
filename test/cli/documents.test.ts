// `databroker documents`: a stored run replayed to stdout as JSON Lines or msgpack, found by uid, prefix,
// scan_id or recency.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { realRuns } from "../storage/realRuns.ts";
import { collect } from "../storage/storeHelpers.ts";
import { databroker, databrokerBytes } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-documents-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const catalog = join(scratch, "catalog.sqlite");

before(async () => {
  const store = new SqliteStore(catalog);
  for (const run of (await realRuns()).filter((candidate) => candidate.source.endsWith("usaxs.json"))) {
    await store.put(run.documents);
  }
  await store.close();
});

async function usaxs(index: number) {
  return (await realRuns()).filter((run) => run.source.endsWith("usaxs.json"))[index];
}

test("JSON Lines by uid prefix: one [name, doc] per line, deep-equal to what was ingested", async () => {
  const run = await usaxs(3);
  const result = databroker(["documents", run.uid.slice(0, 8), "--catalog", catalog]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.deepEqual(
    lines.map((line) => JSON.parse(line)),
    run.documents,
  );
});

test("msgpack of the most recent run (-1), readable by the msgpack reader", async () => {
  const store = new SqliteStore(catalog);
  const newest = await store.findRun(-1);
  const expected = await collect(store.documents(newest.uid));
  await store.close();
  const result = databrokerBytes(["documents", "--catalog", catalog, "--format", "msgpack", "--", "-1"]);
  assert.equal(result.code, 0, result.stderr);
  const file = join(scratch, "newest.msgpack");
  writeFileSync(file, result.stdout);
  assert.deepEqual(await collect(readDocuments(file)), expected);
});

test("an unknown run is an error naming it, exit 1", () => {
  const result = databroker(["documents", "zzzzzzzz", "--catalog", catalog]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no run has uid zzzzzzzz/);
});
