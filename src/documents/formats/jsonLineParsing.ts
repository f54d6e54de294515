// Parsing of whole JSON Lines (text already cut at newlines) into documents, shared by the serial reader and
// the parse workers: the first bad line stops the parse and is described by its index, so that whoever
// knows the line numbers (the serial reader, or the main thread for a worker's chunk) names it.
import { isAscii } from "node:buffer";
import { UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { documentPairOrProblem } from "./documentShape.ts";
import { isStackOverflow, TOO_DEEP } from "./inputDepth.ts";
import { JsonSyntaxError, parseDocumentJson } from "./parseJson.ts";
import { invalidUtf8 } from "./utf8.ts";

/** The first bad line of a parse: its index among the lines parsed, and what is wrong with it. */
export interface LineFailure {
  index: number;
  message: string;
  /** Set when the line is not JSON; worker threads send it as plain data, hence not a JsonSyntaxError. */
  syntax?: { reason: string; position: number };
  /** Any other error the parser threw (rare: e.g. nesting too deep for the stack). */
  other?: unknown;
}

/** Lines decoded from bytes: every line before the first with invalid UTF-8, and that line's failure. */
export interface SplitLines {
  lines: string[];
  /** The first line that is not valid UTF-8 (`index` = `lines.length`); nothing from it on is decoded. */
  invalid?: LineFailure;
}

const NEWLINE = 0x0a;

/**
 * The lines of whole-line bytes (cut after a newline, that newline left out). A newline byte never sits
 * inside a multi-byte UTF-8 sequence, so the cut is a safe place to decode; ASCII bytes (the usual case)
 * are decoded as Latin-1, which gives the same string about three times faster.
 */
export function splitLines(bytes: Buffer): SplitLines {
  if (isAscii(bytes)) return { lines: bytes.toString("latin1").split("\n") };
  const invalid = invalidUtf8(bytes);
  if (invalid === undefined) return { lines: bytes.toString("utf8").split("\n") };
  const lineStart = invalid.offset === 0 ? 0 : bytes.lastIndexOf(NEWLINE, invalid.offset - 1) + 1;
  const lines = lineStart === 0 ? [] : bytes.toString("utf8", 0, lineStart - 1).split("\n");
  const column = invalid.offset - lineStart + 1;
  return {
    lines,
    invalid: { index: lines.length, message: `${invalid.message} at byte ${column} of the line` },
  };
}

/** The first failure of a split and of its parse: the earlier line (a parse stops at its first bad line). */
export function firstFailure(split: SplitLines, parsed: LineFailure | undefined): LineFailure | undefined {
  return parsed ?? split.invalid;
}

/**
 * Parses `lines` in order, handing each document to `accept`; blank lines are skipped. Returns the first
 * bad line, after which nothing more is parsed, or undefined. `atEnd` says the last line had no newline.
 */
export function parseJsonLineTexts(
  lines: readonly string[],
  shape: DocumentShape,
  atEnd: boolean,
  accept: (pair: DocumentPair) => void,
): LineFailure | undefined {
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = parseDocumentJson(line);
    } catch (error) {
      return syntaxFailure(index, error, atEnd && index === lines.length - 1);
    }
    const pair = documentPairOrProblem(value, shape, line.length);
    if (typeof pair === "string") return { index, message: pair };
    accept(pair);
  }
  return undefined;
}

function syntaxFailure(index: number, error: unknown, unterminated: boolean): LineFailure {
  const hint = unterminated ? " (the last line has no newline: is the file truncated?)" : "";
  if (isStackOverflow(error)) return { index, message: `the document is ${TOO_DEEP}` };
  if (!(error instanceof JsonSyntaxError))
    return { index, message: `invalid JSON: ${error}${hint}`, other: error };
  const syntax = { reason: error.reason, position: error.position };
  return { index, message: `invalid JSON: ${error.reason} at column ${error.position + 1}${hint}`, syntax };
}

/** The UnreadableError of a failure whose line is line `lineNumber` (1-based) of `source`. */
export function lineFailureError(source: string, lineNumber: number, failure: LineFailure): UnreadableError {
  const { syntax, other } = failure;
  const cause = syntax ? new JsonSyntaxError(syntax.reason, syntax.position) : other;
  return new UnreadableError(
    source,
    `line ${lineNumber}`,
    failure.message,
    cause === undefined ? undefined : { cause },
  );
}
