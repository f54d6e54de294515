// Input must be valid UTF-8, never silently changed: each kind of invalid sequence (overlong, 5-byte, an
// encoded surrogate, FF FE, a sequence cut short by the end) is an UnreadableError naming the byte (and the
// line for JSON Lines), after every whole document before it, in every format and reader; valid multi-byte
// text cut by chunk borders anywhere reads back exactly.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pack } from "msgpackr";
import {
  type DocumentFormat,
  type ParallelReadOptions,
  readDocumentChunks,
  readDocuments,
} from "../../src/documents/formats/index.ts";
import { invalidUtf8 } from "../../src/documents/formats/utf8.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { UnreadableError } from "../../src/errors.ts";
import { temporaryDirectory } from "./formats-support.ts";

const BAD: Array<[string, number[]]> = [
  ["overlong C0 AF", [0xc0, 0xaf]],
  ["5-byte sequence", [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ["encoded surrogate ED A0 80", [0xed, 0xa0, 0x80]],
  ["FF FE", [0xff, 0xfe]],
  ["truncated 3-byte sequence", [0xe2, 0x82]],
];
const TEXT = "é€😀 Ω";
const PLACEHOLDER = "@@@@@@@@";

function documents(): DocumentPair[] {
  return [
    ["start", { uid: "s", time: 1700000000.5, note: TEXT }],
    ["stop", { uid: "t", run_start: "s", time: 1700000001.5, exit_status: "success", reason: PLACEHOLDER }],
  ] as DocumentPair[];
}

function encoded(format: DocumentFormat): Buffer {
  const pairs = documents();
  if (format === "msgpack") return Buffer.concat(pairs.map((pair) => pack(pair)));
  if (format === "jsonl") return Buffer.from(pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return Buffer.from(JSON.stringify(pairs));
}

/** The encoding with `bad` bytes in the second document's string (padded with ASCII to keep lengths). */
function damaged(format: DocumentFormat, bad: number[], atEnd: boolean): { bytes: Buffer; offset: number } {
  const bytes = encoded(format);
  const offset = bytes.indexOf(PLACEHOLDER);
  const replacement = Buffer.alloc(PLACEHOLDER.length, 0x41);
  Buffer.from(bad).copy(replacement, atEnd ? PLACEHOLDER.length - bad.length : 0);
  replacement.copy(bytes, offset);
  return { bytes, offset: offset + (atEnd ? PLACEHOLDER.length - bad.length : 0) };
}

/** Files of JSON Lines are parsed by the workers here, in chunks of a few bytes. */
const PARALLEL: ParallelReadOptions = { minBytes: 0, chunkBytes: 5 };

async function outcome(chunks: AsyncIterable<Buffer> | string, format: DocumentFormat) {
  const stream =
    typeof chunks === "string"
      ? readDocuments(chunks, { parallel: PARALLEL })
      : readDocumentChunks(chunks, format, "body");
  const read: DocumentPair[] = [];
  try {
    for await (const pair of stream) read.push(pair);
  } catch (error) {
    return { read, error };
  }
  return { read, error: undefined };
}

async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const FORMATS: DocumentFormat[] = ["json-array", "jsonl", "msgpack"];

describe("invalid UTF-8 is refused, never replaced", () => {
  test("invalidUtf8 finds the first bad sequence; valid text of every length passes", () => {
    assert.equal(invalidUtf8(Buffer.from(TEXT)), undefined);
    assert.equal(invalidUtf8(Buffer.from("plain")), undefined);
    assert.deepEqual(invalidUtf8(Buffer.from([0x61, 0xc0, 0xaf])), {
      offset: 1,
      message: "invalid UTF-8 (byte 0xc0)",
    });
    assert.match(invalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))?.message ?? "", /cut short/);
    assert.equal(invalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))?.offset, 1);
    assert.equal(invalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))?.offset, 0); // above U+10FFFF
  });

  for (const format of FORMATS) {
    for (const [label, bad] of BAD) {
      test(`${format}: ${label} names its byte, after the documents before it`, async (t) => {
        const atEnd = label.startsWith("truncated");
        const { bytes, offset } = damaged(format, bad, atEnd);
        for (const pieces of [bytes.length, 7, 1]) {
          const { read, error } = await outcome(inPieces(bytes, pieces), format);
          assert.ok(error instanceof UnreadableError, `${pieces}: ${error}`);
          assert.match(error.message, /invalid UTF-8/);
          assert.deepEqual(read, documents().slice(0, 1), `${pieces}: the documents before the damage`);
          if (format === "jsonl") {
            assert.equal(error.location, "line 2");
            const column = offset - bytes.indexOf("\n");
            assert.match(error.message, new RegExp(`at byte ${column} of the line`));
          } else assert.equal(error.location, `byte ${offset}`);
        }
        const dir = await temporaryDirectory(t);
        const path = join(dir, `damaged.${format}`);
        await writeFile(path, bytes);
        const file = await outcome(path, format);
        assert.ok(file.error instanceof UnreadableError);
        assert.match(file.error.message, /invalid UTF-8/);
        assert.deepEqual(file.read, documents().slice(0, 1));
        assert.equal(file.error.location, format === "jsonl" ? "line 2" : `byte ${offset}`);
      });
    }

    test(`${format}: multi-byte text cut by chunk borders anywhere reads back exactly`, async (t) => {
      const bytes = encoded(format);
      const path = join(await temporaryDirectory(t), `fine.${format}`);
      await writeFile(path, bytes);
      assert.deepEqual(await outcome(path, format), { read: documents(), error: undefined });
      for (const pieces of [1, 2, 3, 5]) {
        const { read, error } = await outcome(inPieces(bytes, pieces), format);
        assert.equal(error, undefined);
        assert.deepEqual(read, documents());
      }
    });
  }
});
