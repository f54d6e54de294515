// `databroker ingest`: real files into a SQLite catalog; re-ingest is a no-op; a rejected run is reported
// with its findings while the others are stored (exit 1); damaged input keeps what was whole (exit 1).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { collect } from "../storage/storeHelpers.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { dataPath } from "../support/sharedData.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-ingest-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function jsonLines(documents: DocumentPair[]): string {
  return documents.map((pair) => `${JSON.stringify(pair)}\n`).join("");
}

async function withCatalog<T>(path: string, work: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = new SqliteStore(path);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

test("ingests real files and directories into a catalog; a second ingest stores nothing new", async () => {
  const catalog = join(scratch, "real.sqlite");
  const tutorials = dataPath("bluesky-tutorials/example_data");
  // The tutorials' `newton` Resources name root "/" (their handler computes the data): a trusted import.
  const first = databroker([
    "ingest",
    tutorials,
    dataPath("apstools/tests/usaxs.json"),
    "--catalog",
    catalog,
    "--trust-resource-paths",
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^ingested 27 runs into .*real\.sqlite: 27 stored, 0 already there, 0 rejected; 18 files read, 0 skipped; [\d,]+ documents stored, 0 already there;/,
  );
  const again = databroker(["ingest", tutorials, "--catalog", catalog, "--trust-resource-paths"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /ingested 17 runs into .*: 0 stored, 17 already there, 0 rejected; 17 files read, 0 skipped; 0 documents stored, [1-9][\d,]* already there/,
  );
  await withCatalog(catalog, async (store) => {
    assert.equal(await store.count(), 27);
    const file = join(tutorials, "6f3ee9a1-ff4b-47ba-a439-9027cd9e6ced.jsonl");
    const expected = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(await collect(store.documents("6f3ee9a1-ff4b-47ba-a439-9027cd9e6ced")), expected);
  });
});

test("a run whose Resource lies outside the file roots is refused naming document, field and rule; --file-root or --trust-resource-paths accepts it", async () => {
  const catalog = join(scratch, "roots.sqlite");
  const tutorials = dataPath("bluesky-tutorials/example_data");
  const refused = databroker(["ingest", tutorials, "--catalog", catalog]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stdout, /ingested 10 runs .*: 10 stored, 0 already there, 7 rejected;/);
  assert.match(
    refused.stderr,
    /doc \d+ resource root \[file-root\] resource [\w-]+: root "\/" places its files outside/,
  );
  assert.match(
    refused.stderr,
    /7 runs refused for files outside the catalog's file roots: .*--file-root DIR.*--trust-resource-paths/,
  );
  // "/" as a file root admits them (and reads any file: only for a trusted local catalog).
  const admitted = databroker(["ingest", tutorials, "--catalog", catalog, "--file-root", "/"]);
  assert.equal(admitted.code, 0, admitted.stderr);
  assert.match(admitted.stdout, /ingested 17 runs/);
  const trusted = databroker([
    "ingest",
    tutorials,
    "--catalog",
    join(scratch, "trusted.sqlite"),
    "--trust-resource-paths",
  ]);
  assert.equal(trusted.code, 0, trusted.stderr);
});

test("a rejected run is reported with its findings, the other runs are stored, exit 1", async () => {
  const good = smallRun({ plan_name: "good" });
  const broken = smallRun({ plan_name: "gap" }, 3);
  (broken.documents[4][1] as { seq_num: number }).seq_num = 7;
  const later = smallRun({ plan_name: "later" });
  const file = join(scratch, "mixed.jsonl");
  writeFileSync(file, jsonLines([...good.documents, ...broken.documents, ...later.documents]));
  const catalog = join(scratch, "mixed.sqlite");
  const result = databroker(["ingest", file, "--catalog", catalog]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(`rejected run ${broken.uid} from .*mixed\\.jsonl: batch rejected, nothing stored`),
  );
  assert.match(result.stderr, /doc 4 event seq_num \[seq_num-gap\]/);
  assert.match(
    result.stdout,
    /ingested 2 runs .*: 2 stored, 0 already there, 1 rejected; 1 file read, 0 skipped;/,
  );
  await withCatalog(catalog, async (store) => {
    assert.ok(await store.start(good.uid));
    assert.ok(await store.start(later.uid));
    assert.equal(await store.start(broken.uid), undefined);
  });
});

test("damaged input: the whole documents before the damage are stored, exit 1; nothing readable, exit 2", async () => {
  const run = smallRun({ plan_name: "cut" }, 4);
  const text = jsonLines(run.documents);
  const file = join(scratch, "cut.jsonl");
  writeFileSync(file, text.slice(0, text.lastIndexOf("\n", text.length - 2) + 20));
  const catalog = join(scratch, "cut.sqlite");
  const result = databroker(["ingest", file, "--catalog", catalog]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /databroker ingest: .*cut\.jsonl: line \d+: .*\(damaged: the \d+ documents before it were read\)/,
  );
  assert.match(result.stdout, /1 file read \(1 damaged\), 0 skipped/);
  await withCatalog(catalog, async (store) => {
    assert.deepEqual(await collect(store.documents(run.uid)), run.documents.slice(0, -1));
    assert.equal(await store.stop(run.uid), undefined);
  });
  const missing = databroker(["ingest", join(scratch, "no-such-file.jsonl"), "--catalog", catalog]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /skipped .*no-such-file\.jsonl: no such file or directory/);
  assert.match(missing.stderr, /no documents found in /);
});

test("DATABROKER_CATALOG names the catalog when --catalog is not given", async () => {
  const catalog = join(scratch, "from-env.sqlite");
  const run = smallRun({ plan_name: "env" });
  const file = join(scratch, "env.jsonl");
  writeFileSync(file, jsonLines(run.documents));
  const result = databroker(["ingest", file], { DATABROKER_CATALOG: catalog });
  assert.equal(result.code, 0, result.stderr);
  await withCatalog(catalog, async (store) => assert.ok(await store.start(run.uid)));
});
