// The parallel JSON Lines reader yields exactly what the serial one does — same documents, same key order,
// same numbers, same order — on the real files, on a generated file full of unusual events, and on damaged
// files (then the same error after the same documents); it stops cleanly and fails clearly.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdir, readlink, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isEventBlock } from "../../src/documents/formats/eventBlock.ts";
import {
  JsonLinesWorkerPool,
  type ParallelReadOptions,
  readDocuments,
  stringifyJson,
} from "../../src/documents/formats/index.ts";
import { startParseWorker } from "../../src/documents/formats/JsonLinesWorkerPool.ts";
import { parseJsonLinesBytes } from "../../src/documents/formats/jsonLinesChunk.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { UnreadableError } from "../../src/errors.ts";
import { sharedData } from "../support/sharedData.ts";
import { mixedJsonLines } from "./formats-parallel-fixture.ts";
import { temporaryDirectory } from "./formats-support.ts";

/** What a reader yields before it stops, and how it stops. */
async function outcome(path: string, parallel: ParallelReadOptions) {
  const documents: DocumentPair[] = [];
  try {
    for await (const pair of readDocuments(path, { parallel })) documents.push(pair);
  } catch (error) {
    return { documents, error };
  }
  return { documents, error: undefined };
}

const SERIAL: ParallelReadOptions = { minBytes: Number.POSITIVE_INFINITY };

/** Asserts the parallel read of `path` with `parallel` equals the serial read, failure included. */
async function assertSameAsSerial(path: string, parallel: ParallelReadOptions): Promise<number> {
  const expected = await outcome(path, SERIAL);
  const actual = await outcome(path, { minBytes: 0, ...parallel });
  const context = `${path} with ${JSON.stringify({ ...parallel, pool: undefined })}`;
  assert.equal(actual.documents.length, expected.documents.length, `${context}: document count`);
  // Deep equality tells -0 from 0 but not key order; exact JSON text tells key order.
  assert.deepStrictEqual(actual.documents, expected.documents, context);
  actual.documents.forEach((pair, i) => {
    assert.equal(stringifyJson(pair), stringifyJson(expected.documents[i]), `${context}: document ${i}`);
  });
  if (expected.error === undefined) assert.equal(actual.error, undefined, `${context}: unexpected failure`);
  else assertSameError(actual.error, expected.error, context);
  return expected.documents.length;
}

function assertSameError(actual: unknown, expected: unknown, context: string): void {
  assert.ok(expected instanceof UnreadableError, `${context}: the serial reader's error is ${expected}`);
  assert.ok(actual instanceof UnreadableError, `${context}: expected an UnreadableError, got ${actual}`);
  assert.equal(actual.message, expected.message, context);
  assert.equal(actual.source, expected.source, context);
  assert.equal(actual.location, expected.location, context);
  const cause = (error: UnreadableError) => error.cause && [error.cause.constructor, String(error.cause)];
  assert.deepStrictEqual(cause(actual), cause(expected), `${context}: cause`);
}

/** The descriptors of this process open on `path` (none where /proc is missing: nothing to check). */
async function descriptorsOf(path: string): Promise<string[]> {
  const dir = "/proc/self/fd";
  const open = await readdir(dir).catch(() => []);
  const targets = await Promise.all(open.map((fd) => readlink(join(dir, fd)).catch(() => "")));
  return open.filter((_, i) => targets[i] === path);
}

/** The byte offset at which each line of `lines` starts once joined with newlines. */
function lineStarts(lines: string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += Buffer.byteLength(line, "utf8") + 1;
  }
  return starts;
}

describe("parallel JSON Lines reader", () => {
  const pool = new JsonLinesWorkerPool(2);

  test("reads every real JSON Lines file as the serial reader does", async () => {
    const files = execFileSync("find", [sharedData, "-name", "*.jsonl"], { encoding: "utf8" })
      .split("\n")
      .filter((file) => file !== "")
      .sort();
    assert.ok(files.length >= 10, `found ${files.length} JSON Lines files`);
    let documents = 0;
    for (const file of files) {
      for (const chunkBytes of [1 << 20, 4096, 300])
        documents += await assertSameAsSerial(file, { pool, chunkBytes });
    }
    assert.ok(documents > 1000, `${documents} documents compared`);
  });

  test("reads a generated file of unusual events as the serial reader does, whatever the chunk size", async (t) => {
    const dir = await temporaryDirectory(t);
    for (const shape of ["pair", "name-doc"] as const) {
      const path = join(dir, `mixed-${shape}.jsonl`);
      await writeFile(path, `${mixedJsonLines(3000, shape).join("\n")}\n`);
      for (const chunkBytes of [1 << 20, 10_000, 777]) {
        for (const chunksInFlight of [1, 4]) {
          const count = await assertSameAsSerial(path, { pool, chunkBytes, chunksInFlight });
          assert.ok(count > 3000, `${count} documents`);
        }
      }
    }
  });

  test("cuts the file at any byte: tiny chunks, a chunk per byte, lines longer than chunks", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "short.jsonl");
    // A byte order mark, CRLF lines, a blank line and a last line without newline.
    const lines = mixedJsonLines(12);
    await writeFile(path, `\ufeff${lines.slice(0, 8).join("\r\n")}\n\n${lines.slice(8).join("\n")}`);
    for (const chunkBytes of [1, 2, 3, 5, 64]) await assertSameAsSerial(path, { pool, chunkBytes });
  });

  test("sends runs of events as blocks of number columns, rebuilt equal to JSON.parse", () => {
    const lines = mixedJsonLines(400).filter(
      (line) => line.includes('"desc-numbers"') || !line.includes('"event"'),
    );
    const { result, transfer } = parseJsonLinesBytes(Buffer.from(`${lines.join("\n")}\n`), "pair");
    const blocks = result.items.filter(isEventBlock);
    assert.ok(blocks.length > 0, "no event was sent as a block");
    const columns = blocks.flatMap((block) =>
      block.members.flatMap((m) => ("columns" in m ? m.columns : "column" in m ? [m.column] : [])),
    );
    const numberColumns = columns.filter((column) => column instanceof Float64Array);
    // seq_num, time, data a and c, their timestamps at least; all of a block's in one moved buffer.
    assert.ok(numberColumns.length >= 6 * blocks.length);
    assert.equal(transfer.length, blocks.length);
    assert.deepStrictEqual(new Set(numberColumns.map((column) => column.buffer)), new Set(transfer));
    assert.equal(result.lines, lines.length);
  });

  test("fails on a bad line as the serial reader does: mid-chunk, at a chunk's start, at the end", async (t) => {
    const dir = await temporaryDirectory(t);
    const lines = mixedJsonLines(600);
    const starts = lineStarts(lines);
    const damaged = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    };
    const broken = (index: number, replacement: string) =>
      lines.map((line, i) => (i === index ? replacement : line)).join("\n");
    const middle = 300;
    // Not JSON, and JSON that is no document, in the middle of a chunk.
    for (const bad of ['["event", {"uid": ', '["nope", {}]', "42", '{"name": "start"}']) {
      const path = await damaged("middle.jsonl", `${broken(middle, bad)}\n`);
      await assertSameAsSerial(path, { pool, chunkBytes: 16_384 });
    }
    // A bad line that starts exactly where a chunk starts, and one that ends just before.
    const atBoundary = await damaged("boundary.jsonl", `${broken(middle, "{oops}")}\n`);
    await assertSameAsSerial(atBoundary, { pool, chunkBytes: starts[middle] });
    await assertSameAsSerial(atBoundary, { pool, chunkBytes: starts[middle] - 1 });
    await assertSameAsSerial(atBoundary, { pool, chunkBytes: starts[middle + 1] });
    // The last line cut short, without its newline: the error carries the truncation hint.
    const text = lines.join("\n");
    const truncated = await damaged("truncated.jsonl", text.slice(0, text.length - 20));
    await assertSameAsSerial(truncated, { pool, chunkBytes: 8192 });
    const { error } = await outcome(truncated, { pool, minBytes: 0, chunkBytes: 8192 });
    assert.match(String(error), new RegExp(`line ${lines.length}: .*the last line has no newline`));
  });

  test("stopping early sends no more chunks and leaves the workers idle", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "long.jsonl");
    const lines = mixedJsonLines(5000);
    await writeFile(path, `${lines.join("\n")}\n`);
    const own = new JsonLinesWorkerPool(1);
    t.after(() => own.close());
    const first: DocumentPair[] = [];
    for await (const pair of readDocuments(path, {
      parallel: { pool: own, minBytes: 0, chunkBytes: 4096 },
    })) {
      first.push(pair);
      if (first.length === 50) break;
    }
    const sent = own.jobsSent;
    // The chunks that hold the first 50 documents (and a few blank lines), and the read-ahead of 4.
    const needed = Math.ceil(lineStarts(lines)[60] / 4096) + 4;
    assert.ok(sent <= needed, `${sent} chunks sent for 50 documents, expected at most ${needed}`);
    while (own.jobsWaiting > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(own.jobsSent, sent);
    assert.deepStrictEqual(await descriptorsOf(path), [], "the file is still open");
    const serial = await outcome(path, SERIAL);
    assert.deepStrictEqual(first, serial.documents.slice(0, 50));
  });

  test("holds the file open while it reads: a file removed meanwhile is read to its end", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "removed.jsonl");
    await writeFile(path, `${mixedJsonLines(2000).join("\n")}\n`);
    const expected = await outcome(path, SERIAL);
    pool.warm();
    while (!pool.isReady) await new Promise((resolve) => setTimeout(resolve, 5));
    const documents: DocumentPair[] = [];
    for await (const pair of readDocuments(path, { parallel: { pool, minBytes: 0, chunkBytes: 8192 } })) {
      if (documents.push(pair) === 10) await rm(path);
    }
    assert.deepStrictEqual(documents, expected.documents);
  });

  test("a worker that dies with chunks to parse rejects the read with an error naming the file", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "run.jsonl");
    await writeFile(path, `${mixedJsonLines(200).join("\n")}\n`);
    // Real workers, each stopped right after it is sent its first chunk.
    const dying = new JsonLinesWorkerPool(2, () => {
      const worker = startParseWorker();
      const send = worker.postMessage.bind(worker);
      worker.postMessage = (message, transfer) => {
        send(message, transfer);
        void worker.terminate();
      };
      return worker;
    });
    dying.warm();
    while (!dying.isReady) await new Promise((resolve) => setTimeout(resolve, 5));
    const { documents, error } = await outcome(path, { pool: dying, minBytes: 0, chunkBytes: 4096 });
    assert.match(
      String(error),
      /run\.jsonl: cannot parse: a JSON Lines parse worker stopped \(exit code \d+\) before answering/,
    );
    assert.ok(dying.jobsSent > 0);
    // The first chunk, parsed here (a chunk whose turn has come is not sent), comes first, as it is.
    const serial = await outcome(path, SERIAL);
    assert.deepStrictEqual(documents, serial.documents.slice(0, documents.length));
    // The other worker's jobs are rejected too, when its exit is seen: none is left waiting for good.
    while (dying.jobsWaiting > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  test("parses here while the workers start, and sends chunks to them once they are ready", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "run.jsonl");
    await writeFile(path, `${mixedJsonLines(2000).join("\n")}\n`);
    const fresh = new JsonLinesWorkerPool(1);
    t.after(() => fresh.close());
    assert.equal(fresh.isStarted, false);
    // Started by the read; slow to start, so the first chunks are parsed on this thread.
    assert.ok((await assertSameAsSerial(path, { pool: fresh, chunkBytes: 2048, chunksInFlight: 2 })) > 2000);
    assert.ok(fresh.isStarted);
    while (!fresh.isReady) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = fresh.jobsSent;
    await assertSameAsSerial(path, { pool: fresh, chunkBytes: 2048 });
    assert.ok(fresh.jobsSent - before > 50, `${fresh.jobsSent - before} chunks sent to the ready worker`);
  });

  test("reads through the process-wide pool by default, and an empty file as nothing", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "run.jsonl");
    await writeFile(path, `${mixedJsonLines(300).join("\n")}\n`);
    assert.ok((await assertSameAsSerial(path, {})) > 300);
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "");
    assert.deepStrictEqual(await outcome(empty, { pool, minBytes: 0 }), { documents: [], error: undefined });
  });

  after(() => pool.close());
});
