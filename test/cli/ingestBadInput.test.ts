// `databroker ingest` of bad files, as a process: a file holding invalid UTF-8 or a document nested far too
// deeply is reported as damaged (naming the line or byte and what is wrong, never a stack overflow) while
// the other files given are still read and stored; exit 1, as for any damaged file. A stop before its start
// in one file is a rejected run (`order`), not a stored run warned of a missing stop.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pack } from "msgpackr";
import { MAX_INPUT_DEPTH } from "../../src/documents/formats/inputDepth.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-ingest-bad-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A good run in its own file, to show the other files are still stored. */
function goodFile(name: string): { path: string; uid: string } {
  const run = smallRun({ plan_name: name });
  const path = join(scratch, `${name}.jsonl`);
  writeFileSync(path, run.documents.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return { path, uid: run.uid };
}

async function storedUids(catalog: string): Promise<number> {
  const store = new SqliteStore(catalog);
  try {
    return await store.count();
  } finally {
    await store.close();
  }
}

test("invalid UTF-8 in a file: reported damaged with its line or byte, the other files stored, exit 1", async () => {
  // A whole start, then one whose note holds the bad bytes: the file is damaged after its first document.
  const first = ["start", { uid: "whole", time: 1700000000.5 }];
  const start = '["start",{"uid":"bad-utf8","time":1700000000.5,"note":"';
  const msgpack = pack(["start", { uid: "bad-utf8-m", time: 1, note: "@@" }]);
  Buffer.from([0xff, 0xfe]).copy(msgpack, msgpack.indexOf("@@"));
  const text = (head: string, bad: number[], tail: string) =>
    Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
  const files = {
    "bad.jsonl": text(`${JSON.stringify(first)}\n${start}`, [0xc0, 0xaf], '"}]\n'),
    "bad.json": text(`[${JSON.stringify(first)},${start}`, [0xed, 0xa0, 0x80], '"}]]'),
    "bad.msgpack": Buffer.concat([pack(first), msgpack]),
  };
  const good = goodFile("utf8-good");
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    const catalog = join(scratch, `${name}.sqlite`);
    const result = databroker(["ingest", path, good.path, "--catalog", catalog, "--quiet"]);
    assert.equal(result.code, 1, `${name}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`${name}: (line 2|byte \\d+): invalid UTF-8 \\(bytes? 0x`), name);
    assert.match(result.stdout, /2 files read \(1 damaged\)/, name);
    // The good file's run, and the whole start before the damage (as for any damaged file).
    assert.equal(await storedUids(catalog), 2, name);
  }
});

test("a document nested 100,000 levels deep: reported 'nested too deeply', the other files stored, exit 1", async () => {
  const depth = 100_000;
  const good = goodFile("deep-good");
  const path = join(scratch, "deep.jsonl");
  writeFileSync(
    path,
    `["start",{"uid":"deep","time":1700000000.5,"f":1.0,"n":${"[".repeat(depth)}${"]".repeat(depth)}}]\n`,
  );
  const catalog = join(scratch, "deep.sqlite");
  const result = databroker(["ingest", path, good.path, "--catalog", catalog, "--quiet"]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`deep\\.jsonl: .*line 1: .*nested too deeply: more than ${MAX_INPUT_DEPTH} levels`),
  );
  assert.doesNotMatch(result.stderr, /RangeError|call stack/);
  assert.equal(await storedUids(catalog), 1);
});

test("a stop before its start in one file: the run is rejected with an `order` finding, exit 1", async () => {
  const run = smallRun({ plan_name: "stop-first" });
  const stop = run.documents.at(-1);
  assert.equal(stop?.[0], "stop");
  const path = join(scratch, "stop-first.jsonl");
  const reordered = [stop, ...run.documents.slice(0, -1)];
  writeFileSync(path, reordered.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  const good = goodFile("order-good");
  const catalog = join(scratch, "order.sqlite");
  const result = databroker(["ingest", path, good.path, "--catalog", catalog, "--quiet"]);
  assert.equal(result.code, 1, result.stderr);
  // The stop alone (it names no stored run), then its run, refused for the order.
  assert.match(result.stdout, /1 stored, 0 already there, 2 rejected/);
  assert.match(
    `${result.stdout}${result.stderr}`,
    new RegExp(
      `order.*refers to start ${run.uid}, which only comes later \\(document 1\\): a stop must come after its start`,
    ),
  );
  assert.doesNotMatch(`${result.stdout}${result.stderr}`, /no stop/);
  assert.equal(await storedUids(catalog), 1);
});
