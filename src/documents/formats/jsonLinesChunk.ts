// What a parse worker does with one chunk of a JSON Lines file (the lines starting in a byte range): reads,
// decodes and parses it, and gathers consecutive events into blocks. Kept apart from the worker's entry so
// the same code runs, and is tested, in any thread.
import { type FloatPath, floatPaths, restoreFloatPaths } from "../floatMarks.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { blockBuffers, type EventBlock, EventBlockBuilder } from "./eventBlock.ts";
import { firstFailure, type LineFailure, parseJsonLineTexts, splitLines } from "./jsonLineParsing.ts";
import { readLineRange } from "./readLineRange.ts";

export interface ChunkJob {
  /** The file, open in this process (descriptors are shared by its threads). */
  fd: number;
  /** The chunk is the lines whose first byte is in [start, end) (readLineRange.ts). */
  start: number;
  end: number;
  shape: DocumentShape;
}

export interface ChunkResult {
  /** How many lines the chunk holds (blank ones included), for the line numbers of later chunks. */
  lines: number;
  /** The chunk's documents in order, runs of events as blocks. */
  items: Array<DocumentPair | EventBlock>;
  /** The float marks of documents (by index in `items`), which a message between threads would drop. */
  floats?: Array<[number, FloatPath[]]>;
  /** The first bad line (`index` counted from the chunk's first line); nothing after it was parsed. */
  failure?: LineFailure;
  /** Set when the file could not be read: the error's message and system fields, as plain data. */
  readFailure?: { message: string; code?: string; errno?: number; syscall?: string; path?: string };
}

const NEWLINE = 0x0a;

/** Reads and parses the chunk; `transfer` lists the buffers of the result to move rather than copy. */
export function parseJsonLinesChunk(job: ChunkJob): { result: ChunkResult; transfer: ArrayBuffer[] } {
  let bytes: Buffer;
  try {
    bytes = readLineRange(job.fd, job.start, job.end);
  } catch (error) {
    const { message, code, errno, syscall, path } = error as NodeJS.ErrnoException;
    return {
      result: { lines: 0, items: [], readFailure: { message, code, errno, syscall, path } },
      transfer: [],
    };
  }
  return parseJsonLinesBytes(bytes, job.shape);
}

/** Parses whole lines (each with its newline, but a file's last line may have none). */
export function parseJsonLinesBytes(
  bytes: Buffer,
  shape: DocumentShape,
): { result: ChunkResult; transfer: ArrayBuffer[] } {
  if (bytes.length === 0) return { result: { lines: 0, items: [] }, transfer: [] };
  const unterminated = bytes[bytes.length - 1] !== NEWLINE;
  const split = splitLines(bytes.subarray(0, unterminated ? bytes.length : bytes.length - 1));
  const { lines } = split;
  const items: Array<DocumentPair | EventBlock> = [];
  const transfer: ArrayBuffer[] = [];
  const events = new EventBlockBuilder();
  const closeBlock = () => {
    const taken = events.take();
    if (taken === undefined) return;
    items.push(taken);
    if (!Array.isArray(taken)) transfer.push(...blockBuffers(taken));
  };
  const atEnd = unterminated && split.invalid === undefined;
  const parsed = parseJsonLineTexts(lines, shape, atEnd, (pair) => {
    if (pair[0] === "event" && events.add(pair)) return;
    closeBlock();
    if (pair[0] === "event" && events.add(pair)) return;
    items.push(pair);
  });
  closeBlock();
  const failure = firstFailure(split, parsed);
  const result: ChunkResult = { lines: lines.length, items };
  const floats = floatsOf(items);
  if (floats.length > 0) result.floats = floats;
  if (failure) result.failure = failure;
  return { result, transfer };
}

function floatsOf(items: ReadonlyArray<DocumentPair | EventBlock>): Array<[number, FloatPath[]]> {
  const floats: Array<[number, FloatPath[]]> = [];
  items.forEach((item, index) => {
    if (!Array.isArray(item) || item[0].startsWith("event")) return;
    const paths = floatPaths(item[1]);
    if (paths.length > 0) floats.push([index, paths]);
  });
  return floats;
}

/** Puts the float marks of a result received from a worker back on its documents. */
export function restoreChunkFloats(result: ChunkResult): void {
  for (const [index, paths] of result.floats ?? [])
    restoreFloatPaths((result.items[index] as DocumentPair)[1], paths);
}
