// Tells the document format of a file from its first bytes (never from its name): msgpack by its binary
// array header, JSON by its first brackets, looking past an opening `[` to tell an array from JSON Lines.
import { UnreadableError } from "../../errors.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** msgpack array (fixarray, array16, array32) or map (fixmap, map16, map32) headers. */
function isMsgpackContainerHeader(byte: number): boolean {
  return (byte >= 0x80 && byte <= 0x9f) || (byte >= 0xdc && byte <= 0xdf);
}

function skipWhitespace(head: Uint8Array, from: number): number {
  let i = from;
  while (i < head.length && isJsonWhitespace(head[i])) i++;
  return i;
}

/** Offset after a UTF-8 byte order mark, or 0. */
export function byteOrderMarkLength(head: Uint8Array): number {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/**
 * The format of a document file from its first bytes (a few kilobytes are plenty). Empty or blank input is
 * `jsonl` (a file of no documents). Throws UnreadableError naming `source` when the bytes are none of them.
 */
export function detectFormat(head: Uint8Array, source = "input"): DocumentFormat {
  if (head.length > 0 && isMsgpackContainerHeader(head[0])) return "msgpack";
  const first = skipWhitespace(head, byteOrderMarkLength(head));
  if (first >= head.length) return "jsonl";
  const byte = head[first];
  if (byte === OPEN_BRACE) return "name-doc-jsonl";
  if (byte === OPEN_BRACKET) {
    const second = skipWhitespace(head, first + 1);
    // `[` then a string is a `[name, doc]` pair on its own line; `[` then a container is an array of them.
    if (second < head.length && head[second] === QUOTE) return "jsonl";
    if (second < head.length && head[second] === OPEN_BRACE) return "name-doc-json-array";
    if (second >= head.length || head[second] === OPEN_BRACKET || head[second] === CLOSE_BRACKET) {
      return "json-array";
    }
    throw new UnreadableError(
      source,
      `byte ${second}`,
      `not a document file: a JSON array whose first element starts with ${describeByte(head[second])}`,
    );
  }
  throw new UnreadableError(
    source,
    `byte ${first}`,
    `not a document file (JSON Lines, JSON array or msgpack): starts with ${describeByte(byte)}`,
  );
}

/** A byte as humans read it in a message: `'x' (0x78)`. */
export function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}
