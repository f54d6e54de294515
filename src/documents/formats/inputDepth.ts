// Input nested deeper than MAX_INPUT_DEPTH levels is not read at all: every reader, check and encoder that
// walks a document recurses, and 100,000 levels overflow the stack in any of them (a 500, or a parser's
// RangeError as the message). Far beyond the `depth` rule (run/nestingDepth.ts: 100 levels for documents other
// than events), which still names the path of anything deeper than that.
import { MAX_DOCUMENT_DEPTH } from "../run/nestingDepth.ts";

export const MAX_INPUT_DEPTH = 1000;

/** What is wrong with such a document, for messages: `the start document is ${TOO_DEEP}`. */
export const TOO_DEEP =
  `nested too deeply: more than ${MAX_INPUT_DEPTH} levels of objects and arrays, not read ` +
  `(documents other than events may nest at most ${MAX_DOCUMENT_DEPTH} levels)`;

/**
 * Whether a value that took `encodedLength` bytes (or JSON characters) may nest deeper than the limit: each
 * level takes at least one byte of msgpack and two characters of JSON, so a shorter one (an event, most
 * documents) needs no walk on the hot path.
 */
export function mayNestTooDeeply(encodedLength: number): boolean {
  return encodedLength > MAX_INPUT_DEPTH;
}

/** Whether `value` (level 1 if an object or array) nests objects and arrays deeper than `limit` levels. */
export function nestsDeeperThan(value: unknown, limit = MAX_INPUT_DEPTH): boolean {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === "object" && item !== null && nestsDeeperThan(item, limit - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === "object" && member !== null && nestsDeeperThan(member, limit - 1)) return true;
  }
  return false;
}

/** Whether `error` is a stack overflow: what a recursive parser throws on input nested too deeply. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes("call stack");
}
