// What a parse worker does with one chunk of a JSON Lines file (the lines starting in a byte range): reads,
// decodes and parses it, and gathers consecutive events into blocks. Kept apart from the worker's entry so
// the same code runs, and is tested, in any thread.
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { blockBuffers, type EventBlock, EventBlockBuilder } from "./eventBlock.ts";
import { type LineFailure, parseJsonLineTexts, splitLines } from "./jsonLineParsing.ts";
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
  const lines = splitLines(bytes.subarray(0, unterminated ? bytes.length : bytes.length - 1));
  const items: Array<DocumentPair | EventBlock> = [];
  const transfer: ArrayBuffer[] = [];
  const events = new EventBlockBuilder();
  const closeBlock = () => {
    const taken = events.take();
    if (taken === undefined) return;
    items.push(taken);
    if (!Array.isArray(taken)) transfer.push(...blockBuffers(taken));
  };
  const failure = parseJsonLineTexts(lines, shape, unterminated, (pair) => {
    if (pair[0] === "event" && events.add(pair)) return;
    closeBlock();
    if (pair[0] === "event" && events.add(pair)) return;
    items.push(pair);
  });
  closeBlock();
  const result: ChunkResult = { lines: lines.length, items };
  if (failure) result.failure = failure;
  return { result, transfer };
}
