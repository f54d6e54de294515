// `databroker ingest <mongodump folder>`: dumps written by Python (pymongo's bson, test/support/writeMongoDump.py)
// from the reference runs, in both databroker MongoDB layouts, ingested by the real CLI. Every run's stored
// documents are what the source files hold, with the same Python types (int vs float) as Python reads them;
// a second ingest stores nothing; a truncated or damaged .bson is reported by file and byte, the whole runs
// are stored, and the full dump then completes the rest without duplicates.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { floatKeysOf } from "../../src/documents/floatMarks.ts";
import { encodeDocuments } from "../../src/documents/formats/index.ts";
import { decodeBson } from "../../src/documents/formats/mongo/bsonDecode.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { pythonTypeReports } from "../support/pythonTypes.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { databroker } from "./storageCli.ts";

const PYTHON = "/usr/bin/python3";
const scratch = mkdtempSync(join(tmpdir(), "databroker-mongo-import-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every reference file, linked into one folder (what compareTypes.py reads as the source). */
const sources = join(scratch, "sources");
let uids: string[] = [];

function writeDump(out: string, layout: "normalized" | "embedded", ...options: string[]): string {
  const files = readdirSync(sources).map((name) => join(sources, name));
  const script = join(projectRoot, "test/support/writeMongoDump.py");
  const printed = execFileSync(PYTHON, [script, out, layout, ...options, ...files], { encoding: "utf8" });
  uids = (JSON.parse(printed) as { runs: string[] }).runs;
  return out;
}

function ingest(path: string, catalog: string) {
  return databroker(["ingest", path, "--catalog", catalog, "--trust-resource-paths", "--quiet"]);
}

/** Each stored run exported as JSON Lines, then compared by Python with the source files. */
async function compareWithSources(catalog: string, name: string) {
  const exports = join(scratch, `${name}-exports`);
  mkdirSync(exports);
  const store = new SqliteStore(catalog);
  try {
    for (const uid of uids) {
      const parts: Buffer[] = [];
      for await (const bytes of encodeDocuments(store.documents(uid), "jsonl")) parts.push(bytes);
      writeFileSync(join(exports, `${uid}.jsonl`), Buffer.concat(parts));
    }
  } finally {
    await store.close();
  }
  const [report] = await pythonTypeReports([[sources, exports]]);
  return report as typeof report & { source_documents: number };
}

async function storedCounts(catalog: string): Promise<{ runs: number; documents: number }> {
  const store = new SqliteStore(catalog);
  try {
    let documents = 0;
    for (const uid of uids)
      if (await store.start(uid)) for await (const _ of store.documents(uid)) documents++;
    return { runs: await store.count(), documents };
  } finally {
    await store.close();
  }
}

describe("ingest of mongodump folders", () => {
  before(() => {
    mkdirSync(sources);
    const tutorials = dataPath("bluesky-tutorials/example_data");
    const pack = dataPath("databroker-pack/simple_catalog/documents");
    const files = [
      ...readdirSync(tutorials).map((name) => join(tutorials, name)),
      dataPath("apstools/tests/usaxs.json"),
      ...readdirSync(pack).map((name) => join(pack, name)),
    ];
    for (const file of files) symlinkSync(file, join(sources, basename(file)));
  });

  test("mongo_normalized: every run stored as its source, same types; revisions noted; a second ingest stores nothing", async () => {
    const dump = writeDump(join(scratch, "normalized"), "normalized", "--revisions");
    assert.equal(uids.length, 30);
    const catalog = join(scratch, "normalized.sqlite");
    const first = ingest(dump, catalog);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /ingested 30 runs into .*: 30 stored, 0 already there, 0 rejected; 1 file read, 0 skipped; 736 documents stored/,
    );
    assert.match(first.stderr, /run_start_revisions\.bson: 30 earlier revision\(s\) not imported/);
    const report = await compareWithSources(catalog, "normalized");
    assert.deepEqual(report.differences.slice(0, 5), []);
    assert.equal(report.documents, report.source_documents);
    assert.equal(report.matched, report.documents);
    const again = ingest(dump, catalog);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /30 runs .*: 0 stored, 30 already there, 0 rejected; .*0 documents stored, 736 already there/,
    );
    assert.deepEqual(await storedCounts(catalog), { runs: 30, documents: 736 });
  });

  test("mongo_embedded: header, event pages and datum pages give every run as its source, same types", async () => {
    const dump = writeDump(join(scratch, "embedded"), "embedded", "--page-size", "3");
    const catalog = join(scratch, "embedded.sqlite");
    const result = ingest(join(dump, "datastore"), catalog);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ingested 30 runs .*: 30 stored, 0 already there, 0 rejected/);
    const report = await compareWithSources(catalog, "embedded");
    assert.deepEqual(report.differences.slice(0, 5), []);
    assert.equal(report.documents, report.source_documents);
    assert.equal(report.matched, report.documents);
  });

  test("old Resources in a second db: no run_start, datums naming them by ObjectId; found through the events", async () => {
    const dump = writeDump(join(scratch, "old"), "normalized", "--old-resources", "--assets-db", "assets");
    const catalog = join(scratch, "old.sqlite");
    const result = ingest(dump, catalog);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ingested 30 runs .*: 30 stored, 0 already there, 0 rejected; 1 file read/);
    const report = await compareWithSources(catalog, "old");
    // Every datum names its Resource by uid again; only the run_start they never had is missing.
    assert.ok(report.differences.length > 0);
    for (const difference of report.differences)
      assert.equal(difference, "resource/run_start: key only in source");
    assert.equal(report.matched, report.source_documents);
  });

  test("events whose records moved (not in insertion order) are given in seq_num order", async () => {
    const dump = writeDump(join(scratch, "reversed"), "normalized", "--reversed-events");
    const catalog = join(scratch, "reversed.sqlite");
    const result = ingest(dump, catalog);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ingested 30 runs .*: 30 stored, 0 already there, 0 rejected/);
    const report = await compareWithSources(catalog, "reversed");
    assert.deepEqual(report.differences.slice(0, 5), []);
    assert.equal(report.documents, report.source_documents);
  });

  test("a truncated event.bson: the whole runs are stored, the others held back; the full dump completes them", async () => {
    const full = writeDump(join(scratch, "full"), "normalized");
    const cut = join(scratch, "cut");
    cpSync(full, cut, { recursive: true });
    const events = join(cut, "metadatastore", "event.bson");
    truncateSync(events, Math.floor(readFileSync(events).length / 2));
    const catalog = join(scratch, "resume.sqlite");
    const first = ingest(cut, catalog);
    assert.equal(first.code, 1, first.stderr);
    assert.match(
      first.stderr,
      /event\.bson: byte \d+: the file ends inside a BSON record .*\(damaged: the \d+ documents before it were read\)/,
    );
    assert.match(first.stderr, /\d+ run\(s\) not stored because the damage may have cut them/);
    const partial = await storedCounts(catalog);
    assert.ok(partial.runs > 0 && partial.runs < 30, `${partial.runs} runs after the cut`);
    const rest = ingest(full, catalog);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(
      rest.stdout,
      new RegExp(`: ${30 - partial.runs} stored, ${partial.runs} already there, 0 rejected`),
    );
    assert.deepEqual(await storedCounts(catalog), { runs: 30, documents: 736 });
    const report = await compareWithSources(catalog, "resumed");
    assert.deepEqual(report.differences.slice(0, 5), []);
    assert.equal(report.documents, report.source_documents);
  });

  test("a run stored in part (a file cut short) is completed by the dump; nothing is stored twice", async () => {
    const catalog = join(scratch, "part.sqlite");
    const source = readdirSync(sources).find((name) => name.endsWith(".jsonl"))!;
    const lines = readFileSync(join(sources, source), "utf8").trim().split("\n");
    const cut = join(scratch, "part.jsonl");
    writeFileSync(cut, `${lines.slice(0, Math.ceil(lines.length / 2)).join("\n")}\n`);
    assert.equal(ingest(cut, catalog).code, 0);
    const dump = writeDump(join(scratch, "complete"), "normalized");
    const result = ingest(dump, catalog);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ingested 30 runs .*: 30 stored, 0 already there, 0 rejected/);
    assert.deepEqual(await storedCounts(catalog), { runs: 30, documents: 736 });
  });

  test("a record with an impossible length: an error naming the file and its byte; runs before it stored", () => {
    const dump = join(scratch, "bad-length");
    cpSync(join(scratch, "full"), dump, { recursive: true });
    const starts = join(dump, "metadatastore", "run_start.bson");
    const bytes = readFileSync(starts);
    const second = bytes.readInt32LE(0);
    const third = second + bytes.readInt32LE(second);
    bytes.writeInt32LE(-7, third);
    writeFileSync(starts, bytes);
    const result = ingest(dump, join(scratch, "bad-length.sqlite"));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /ingested 2 runs .*: 2 stored, .*1 file read \(1 damaged\)/);
    assert.ok(
      result.stderr.includes(`run_start.bson: byte ${third}: not a BSON record: its length says -7 bytes`),
      result.stderr,
    );
  });
});

test("BSON values: doubles stay floats (marked when whole), int32/int64 ints, ObjectId hex, datetime ISO text", () => {
  const script = [
    "import bson, datetime, sys",
    "doc = {'_id': bson.ObjectId('5f0c3d2e1a2b3c4d5e6f7081'), 'f': 1.0, 'g': 0.5, 'i': 2, 'l': 2**40,",
    " 'when': datetime.datetime(2020, 1, 2, 3, 4, 5), 'col': [1.0, 2], 'nested': {'x': 3.0}, 'none': None, 'b': True}",
    "sys.stdout.buffer.write(bson.encode(doc))",
  ].join("\n");
  const bytes = execFileSync(PYTHON, ["-c", script]);
  const doc = decodeBson(bytes);
  assert.deepEqual(doc, {
    _id: "5f0c3d2e1a2b3c4d5e6f7081",
    f: 1,
    g: 0.5,
    i: 2,
    l: 2 ** 40,
    when: "2020-01-02T03:04:05.000Z",
    col: [1, 2],
    nested: { x: 3 },
    none: null,
    b: true,
  });
  assert.deepEqual([...(floatKeysOf(doc) ?? [])], ["f"]);
  assert.deepEqual([...(floatKeysOf(doc.col as object) ?? [])], ["0"]);
  assert.deepEqual([...(floatKeysOf(doc.nested as object) ?? [])], ["x"]);
});
