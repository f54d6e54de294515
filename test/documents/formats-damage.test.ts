// Damaged files: a real file of each format cut short or corrupted at many byte positions yields every
// whole document before the damage, identical, and then throws UnreadableError naming the file and the
// line or byte. Document boundaries are found here independently of the readers.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unpackMultiple } from "msgpackr";
import { type DocumentFormat, stringifyJson, writeDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { UnreadableError } from "../../src/errors.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { dataPath } from "../support/sharedData.ts";
import { collect, collectUntilFailure, temporaryDirectory } from "./formats-support.ts";

/** A document file with the byte offset just past each of its documents. */
interface Specimen {
  label: string;
  format: DocumentFormat;
  bytes: Buffer;
  documents: DocumentPair[];
  /** Each document as exact JSON text: comparing texts is much faster than deep equality, as exact. */
  texts: string[];
  ends: number[];
}

function assertPrefix(actual: DocumentPair[], s: Specimen, count: number, context: string): void {
  assert.equal(actual.length >= count, true, `${context}: ${actual.length} documents, expected ${count}`);
  for (let i = 0; i < count; i++)
    assert.equal(stringifyJson(actual[i]), s.texts[i], `${context}: document ${i}`);
}

const NEWLINE = 0x0a;

function jsonLinesEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE); nl >= 0; start = nl + 1, nl = bytes.indexOf(NEWLINE, start)) {
    if (bytes.subarray(start, nl).toString().trim() !== "") ends.push(nl);
  }
  return ends;
}

/** Ends of the elements of a JSON array pretty-printed with `indent` spaces: each closes on its own line. */
function indentedArrayEnds(bytes: Buffer, indent: number): number[] {
  const ends: number[] = [];
  for (const closer of ["]", "}"]) {
    const needle = Buffer.from(`\n${" ".repeat(indent)}${closer}`);
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      ends.push(at + needle.length);
    }
  }
  return ends.sort((a, b) => a - b);
}

/** Ends of the elements of a compact JSON array: the first closing bracket at which JSON.parse succeeds. */
function compactArrayEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  let i = bytes.indexOf("[") + 1;
  for (;;) {
    while (bytes[i] === 0x20 || bytes[i] === 0x2c || bytes[i] === NEWLINE) i++;
    if (bytes[i] === 0x5d) return ends;
    const start = i;
    for (let j = start + 1; ; j++) {
      if (bytes[j] !== 0x5d && bytes[j] !== 0x7d) continue;
      try {
        JSON.parse(bytes.toString("utf8", start, j + 1));
      } catch {
        continue;
      }
      ends.push(j + 1);
      i = j + 1;
      break;
    }
  }
}

function msgpackEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  unpackMultiple(bytes, (_value: unknown, _start?: number, end?: number) => {
    ends.push(end ?? 0);
  });
  return ends;
}

async function specimen(
  label: string,
  format: DocumentFormat,
  path: string,
  ends: (bytes: Buffer) => number[],
): Promise<Specimen> {
  const bytes = await readFile(path);
  const documents = await collect(path);
  const specimen = {
    label,
    format,
    bytes,
    documents,
    texts: documents.map(stringifyJson),
    ends: ends(bytes),
  };
  assert.equal(specimen.ends.length, documents.length, `boundaries found in ${label}`);
  return specimen;
}

/** Cut positions: about `count` spread over the file, plus each document boundary and its neighbours. */
function positions(s: Specimen, count: number): number[] {
  const set = new Set<number>();
  const step = Math.max(1, Math.floor(s.bytes.length / count));
  for (let p = 1; p < s.bytes.length; p += step) set.add(p);
  for (const end of s.ends)
    for (const p of [end - 1, end, end + 1]) if (p > 0 && p < s.bytes.length) set.add(p);
  return [...set].sort((a, b) => a - b);
}

function wholeBefore(s: Specimen, p: number, strictly: boolean): number {
  return s.ends.filter((end) => (strictly ? end < p : end <= p)).length;
}

function assertUnreadable(error: unknown, path: string, context: string): UnreadableError {
  assert.ok(error instanceof UnreadableError, `${context}: expected UnreadableError, got ${error}`);
  assert.equal(error.source, path, context);
  assert.match(error.location, /^(line|byte) \d+$/, context);
  return error;
}

/** Where a JSON Lines reader reports damage at byte `p`: the line after the whole ones. */
function jsonLinesLocation(s: Specimen, p: number, whole: number): string {
  // A lone "[" could start either JSON format; detection reports the byte, as it cannot tell which.
  return p === 1 && s.bytes[0] === 0x5b ? "byte 1" : `line ${whole + 1}`;
}

function byteOf(error: UnreadableError): number {
  return Number(error.location.replace("byte ", ""));
}

async function checkTruncations(s: Specimen, path: string, cuts: number[]): Promise<void> {
  for (const p of cuts) {
    const context = `${s.label} cut at byte ${p}`;
    await writeFile(path, s.bytes.subarray(0, p));
    const { documents, error } = await collectUntilFailure(path);
    const whole = wholeBefore(s, p, false);
    assert.equal(documents.length, whole, context);
    assertPrefix(documents, s, whole, context);
    const previousEnd = whole === 0 ? 0 : s.ends[whole - 1];
    const restIsBlank = s.bytes.subarray(previousEnd, p).toString().trim() === "";
    // An array is damaged until its closing bracket; other formats when a partial document is left.
    const damaged = s.format.endsWith("json-array") ? p <= s.bytes.lastIndexOf("]") : !restIsBlank;
    if (!damaged) {
      assert.equal(error, undefined, context);
      continue;
    }
    const unreadable = assertUnreadable(error, path, context);
    if (s.format.endsWith("jsonl"))
      assert.equal(unreadable.location, jsonLinesLocation(s, p, whole), context);
    else if (s.format === "msgpack") assert.equal(unreadable.location, `byte ${previousEnd}`, context);
    else {
      assert.ok(
        byteOf(unreadable) >= previousEnd && byteOf(unreadable) <= p,
        `${context}: ${unreadable.message}`,
      );
    }
    assert.match(unreadable.message, /truncated|invalid JSON/, context);
  }
}

async function checkJsonCorruptions(s: Specimen, path: string, cuts: number[]): Promise<void> {
  for (const p of cuts) {
    const context = `${s.label} with a control byte at ${p}`;
    const corrupt = Buffer.from(s.bytes);
    corrupt[p] = 0x01; // invalid anywhere in JSON text
    await writeFile(path, corrupt);
    const { documents, error } = await collectUntilFailure(path);
    const jsonLines = s.format.endsWith("jsonl");
    // In JSON Lines a damaged newline spoils the line it ends; in an array, an element ends at its bracket.
    const whole = wholeBefore(s, p, jsonLines);
    assert.equal(documents.length, whole, context);
    assertPrefix(documents, s, whole, context);
    const unreadable = assertUnreadable(error, path, context);
    if (jsonLines) assert.equal(unreadable.location, jsonLinesLocation(s, p, whole), context);
    else {
      const previousEnd = whole === 0 ? 0 : s.ends[whole - 1];
      assert.ok(
        byteOf(unreadable) >= previousEnd && byteOf(unreadable) <= p,
        `${context}: ${unreadable.message}`,
      );
    }
  }
}

const tutorial = dataPath("bluesky-tutorials", "example_data", "17edf994-bcbe-4113-840b-3ccebb1dfdbe.jsonl");
const internalEvents = dataPath("bluesky-tiled-plugins-examples", "internal_events.json");

async function jsonSpecimens(dir: string): Promise<Specimen[]> {
  const nameDocLines = join(dir, "internal_events.name-doc-jsonl");
  await writeDocuments(nameDocLines, await collect(internalEvents), "name-doc-jsonl");
  return [
    await specimen("tutorial jsonl", "jsonl", tutorial, jsonLinesEnds),
    await specimen("internal_events as name-doc-jsonl", "name-doc-jsonl", nameDocLines, jsonLinesEnds),
    await specimen(
      "uid-f05b6684.json (indented)",
      "json-array",
      dataPath("apstools", "callbacks-tests", "uid-f05b6684.json"),
      (bytes) => indentedArrayEnds(bytes, 2),
    ),
    await specimen(
      "hklpy-26aac337.json (compact)",
      "json-array",
      dataPath("apstools", "callbacks-tests", "hklpy-26aac337.json"),
      compactArrayEnds,
    ),
    await specimen("internal_events.json", "name-doc-json-array", internalEvents, (bytes) =>
      indentedArrayEnds(bytes, 4),
    ),
  ];
}

async function msgpackSpecimens(): Promise<Specimen[]> {
  return [
    await specimen(
      "simple_catalog run (msgpack)",
      "msgpack",
      dataPath(
        "databroker-pack",
        "simple_catalog",
        "documents",
        "4e22852d-33b1-49d2-bf73-2b1478a8f0b4.msgpack",
      ),
      msgpackEnds,
    ),
    await specimen(
      "440 specwriter run (msgpack)",
      "msgpack",
      dataPath(
        "apstools",
        "440_specwriter_problem_run",
        "documents",
        "624e776a-a914-4a74-8841-babf1591fb29.msgpack",
      ),
      msgpackEnds,
    ),
  ];
}

describe("truncated files", () => {
  test("JSON Lines and JSON arrays cut at many places", async (t) => {
    const dir = await temporaryDirectory(t);
    for (const s of await jsonSpecimens(dir)) await checkTruncations(s, join(dir, "cut"), positions(s, 120));
  });

  test("msgpack cut at many places", async (t) => {
    const dir = await temporaryDirectory(t);
    for (const s of await msgpackSpecimens()) await checkTruncations(s, join(dir, "cut"), positions(s, 60));
  });

  test("large files cut beyond the first read chunks (1 MiB): usaxs.json and its msgpack twin", async (t) => {
    const dir = await temporaryDirectory(t);
    const usaxs = dataPath("apstools", "tests", "usaxs.json");
    const array = await specimen("usaxs.json", "json-array", usaxs, (bytes) => indentedArrayEnds(bytes, 2));
    const msgpackPath = join(dir, "usaxs.msgpack");
    await writeDocuments(msgpackPath, array.documents, "msgpack");
    const msgpack = await specimen("usaxs.msgpack", "msgpack", msgpackPath, msgpackEnds);
    for (const s of [array, msgpack]) {
      const border = 1 << 20;
      const cuts = [border - 1, border, border + 1, 2 * border + 7, s.bytes.length - 1];
      cuts.push(...s.ends.filter((end) => end > border).slice(0, 2));
      await checkTruncations(s, join(dir, "cut"), cuts);
    }
  });
});

describe("corrupted files", () => {
  test("JSON text with a control byte at many places", async (t) => {
    const dir = await temporaryDirectory(t);
    for (const s of await jsonSpecimens(dir)) {
      const cuts = positions(s, 100).filter((p) => p < s.bytes.length - 1);
      await checkJsonCorruptions(s, join(dir, "corrupt"), cuts);
    }
  });

  test("msgpack whose document header is the never-used byte 0xc1", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "corrupt.msgpack");
    for (const s of await msgpackSpecimens()) {
      for (const k of [0, 1, Math.floor(s.ends.length / 2), s.ends.length - 1]) {
        const start = k === 0 ? 0 : s.ends[k - 1];
        const corrupt = Buffer.from(s.bytes);
        corrupt[start] = 0xc1;
        await writeFile(path, corrupt);
        const { documents, error } = await collectUntilFailure(path);
        assert.equal(documents.length, k);
        assertPrefix(documents, s, k, s.label);
        if (k === 0) {
          // A file that does not start like msgpack or JSON is no document file at all.
          assert.equal(assertUnreadable(error, path, s.label).location, "byte 0");
          continue;
        }
        const unreadable = assertUnreadable(error, path, `${s.label} document ${k}`);
        assert.equal(unreadable.location, `byte ${start}`);
        assert.match(unreadable.message, /0xc1/);
      }
    }
  });

  test("msgpack with random bytes overwritten: documents before the damage intact, any failure unreadable", async (t) => {
    const dir = await temporaryDirectory(t);
    const path = join(dir, "corrupt.msgpack");
    const random = seededRandom(20240601);
    for (const s of await msgpackSpecimens()) {
      for (let trial = 0; trial < 80; trial++) {
        const p = 1 + Math.floor(random() * (s.bytes.length - 1));
        const corrupt = Buffer.from(s.bytes);
        corrupt[p] = Math.floor(random() * 256);
        await writeFile(path, corrupt);
        const { documents, error } = await collectUntilFailure(path);
        const whole = wholeBefore(s, p, false);
        const context = `${s.label} byte ${p} set to ${corrupt[p]}`;
        assertPrefix(documents, s, whole, context);
        if (error !== undefined) {
          const unreadable = assertUnreadable(error, path, context);
          assert.ok(byteOf(unreadable) >= (whole === 0 ? 0 : s.ends[whole - 1]), context);
        }
      }
    }
  });
});
