// `databroker export` in the formats that carry documents (suitcase JSON Lines and msgpack, databroker-pack),
// run as users run it, over every reference run: each export re-imports (`databroker ingest`) to the same
// documents, Python's json and msgpack see the source's types in it, and a pack copies the detector files
// its runs need, so that the pack alone (our `file:` catalog) reads the same images.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { Broker } from "../../src/broker/index.ts";
import { readPack } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { databroker } from "../cli/storageCli.ts";
import { type RealRun, realRuns } from "../storage/realRuns.ts";
import { collect } from "../storage/storeHelpers.ts";
import { pythonTypeReports } from "../support/pythonTypes.ts";
import { dataPath } from "../support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-export-documents-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const catalog = join(scratch, "catalog.sqlite");
const PACK = "databroker-pack/simple_catalog";
const PACK_ROOT = "f8483b80395561ac779a5425da6646ca";
const OTHER_PACK = "databroker-pack/another_simple_catalog";
const OTHER_ROOT = "6dd0c365fe571bb2a00c63e1623fa298";
const rootMap = {
  [PACK_ROOT]: dataPath(PACK, "external_files", PACK_ROOT),
  [OTHER_ROOT]: dataPath(OTHER_PACK, "external_files", OTHER_ROOT),
};
const rootMapFlags = Object.entries(rootMap).flatMap(([root, dir]) => ["--root-map", `${root}=${dir}`]);
let runs: RealRun[] = [];

before(async () => {
  runs = (await realRuns()).filter((run) => !run.isolated);
  const store = new SqliteStore(catalog);
  for (const run of runs) await store.put(run.documents);
  await store.close();
});

/** Every run of a catalog, by uid, as its documents. */
async function storedRuns(uri: string): Promise<Map<string, DocumentPair[]>> {
  const store = new SqliteStore(uri);
  try {
    const stored = new Map<string, DocumentPair[]>();
    for (const run of runs)
      if (await store.start(run.uid)) stored.set(run.uid, await collect(store.documents(run.uid)));
    return stored;
  } finally {
    await store.close();
  }
}

function exportAll(format: string, to: string, extra: string[] = []) {
  return databroker([
    "export",
    "time > 0",
    "--format",
    format,
    "--to",
    to,
    "--catalog",
    catalog,
    "--quiet",
    ...extra,
  ]);
}

function ingest(paths: string[], into: string) {
  return databroker(["ingest", ...paths, "--catalog", into, "--trust-resource-paths", "--quiet"]);
}

for (const format of ["jsonl", "msgpack"]) {
  test(`${format}: every reference run exports to a file of its own and re-imports to the same documents`, async () => {
    const to = join(scratch, format);
    const result = exportAll(format, to, ["--name", "{start[uid]}"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`exported ${runs.length} runs as ${format} to ${to}`));
    const files = readdirSync(to).sort();
    assert.deepEqual(files, runs.map((run) => `${run.uid}.${format}`).sort());

    const again = join(scratch, `${format}.sqlite`);
    const imported = ingest([to], again);
    assert.equal(imported.code, 0, imported.stderr);
    const original = await storedRuns(catalog);
    const reimported = await storedRuns(again);
    assert.equal(reimported.size, runs.length);
    for (const [uid, documents] of original) assert.deepEqual(reimported.get(uid), documents, `run ${uid}`);
    // What search into data reads survives the trip: every stream's statistics, row for row.
    assert.deepEqual(streamStats(again), streamStats(catalog));
  });
}

/** The statistics search into data reads, every row, in a fixed order. */
function streamStats(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT * FROM stream_stats ORDER BY run, stream, field").all();
  } finally {
    db.close();
  }
}

test("Python's json and msgpack read the exports with the source files' types (float stays float)", async () => {
  const sources = ["apstools/tests/usaxs.json", "bluesky-tutorials/example_data", PACK].map((source) =>
    dataPath(source),
  );
  const pairs: Array<[string, string]> = [];
  // Each reference file's documents looked up in the export (which holds every run).
  for (const format of ["jsonl", "msgpack"])
    for (const source of sources) pairs.push([join(scratch, format), source]);
  for (const report of await pythonTypeReports(pairs)) {
    assert.ok(report.matched > 0, `${report.source} vs ${report.export}: nothing matched`);
    assert.deepEqual(report.differences, [], `${report.source} vs ${report.export}`);
  }
});

const isNewton = (run: RealRun) =>
  run.documents.some(([name, doc]) => name === "resource" && doc.spec === "newton");

test("pack: one folder with every run, the NPY files copied, a root_map that makes it portable", async () => {
  const to = join(scratch, "pack");
  const result = exportAll("pack", to, rootMapFlags);
  // The tutorial runs' `newton` images are computed by a handler we do not have: those runs fail, named.
  const newton = runs.filter(isNewton);
  assert.ok(newton.length > 0);
  assert.equal(result.code, 1, result.stderr);
  for (const run of newton)
    assert.match(result.stderr, new RegExp(`run ${run.uid} .*no handler for spec "newton"`));
  assert.match(
    result.stdout,
    new RegExp(`exported ${runs.length - newton.length} runs as pack .*; ${newton.length} failed`),
  );
  const pack = await readPack(to);
  assert.equal(pack.documentFiles.length, runs.length - newton.length);
  assert.equal(pack.externalFiles.length, 2, "the NPY file of each source pack");
  for (const file of pack.externalFiles)
    assert.match(file, /external_files\/[0-9a-f]{32}\/[0-9a-f]{6}_0\.npy$/);
  assert.deepEqual(
    pack.externalFiles.map((file) => readFileSync(file).length).sort(),
    [
      readFileSync(dataPath(PACK, "external_files", PACK_ROOT, "4d0d22_0.npy")).length,
      readFileSync(dataPath(OTHER_PACK, "external_files", OTHER_ROOT, "5357d9_0.npy")).length,
    ].sort(),
  );

  // Read from the pack alone (no root_map given): the same images as the source catalog reads.
  const source = await Broker.open(catalog, { readOnly: true, rootMap });
  const packed = await Broker.open(`file://${to}`, { readOnly: true });
  try {
    let images = 0;
    for (const run of runs.filter(
      (candidate) => candidate.source === PACK || candidate.source === OTHER_PACK,
    )) {
      const [a, b] = [await source.run(run.uid), await packed.run(run.uid)];
      for (const stream of a.streamNames)
        for (const field of a.stream(stream).fields) {
          const key = a.stream(stream).dataKeys[field];
          if (!key.external) continue;
          images++;
          assert.deepEqual(await b.stream(stream).field(field), await a.stream(stream).field(field));
        }
    }
    assert.ok(images > 0, "the pack's runs have external images");
  } finally {
    await source.close();
    await packed.close();
  }

  // Re-imported: the same documents, but for the copied Resources' root (now the pack's id for it).
  const again = join(scratch, "pack.sqlite");
  assert.equal(ingest([to], again).code, 0);
  const original = await storedRuns(catalog);
  const reimported = await storedRuns(again);
  const rootless = (documents: DocumentPair[] | undefined) =>
    documents?.map(([name, doc]) => (name === "resource" ? [name, { ...doc, root: "" }] : [name, doc]));
  for (const [uid, documents] of original)
    if (!newton.some((run) => run.uid === uid))
      assert.deepEqual(rootless(reimported.get(uid)), rootless(documents));
});

test("pack with pack.external=keep: every run's documents, Resources untouched, nothing read", async () => {
  const to = join(scratch, "pack-keep");
  const result = exportAll("pack-jsonl", to, ["--option", "pack.external=keep"]);
  assert.equal(result.code, 0, result.stderr);
  const pack = await readPack(to);
  assert.equal(pack.documentFiles.length, runs.length);
  assert.ok(pack.documentFiles.every((file) => file.endsWith(".jsonl")));
  assert.deepEqual(pack.externalFiles, []);
  const again = join(scratch, "pack-keep.sqlite");
  assert.equal(ingest([to], again).code, 0);
  assert.deepEqual(await storedRuns(again), await storedRuns(catalog));
});
