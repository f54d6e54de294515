// The first bytes of JSON text as format detection reads them: past a UTF-8 byte order mark and JSON
// whitespace, where its first two meaningful bytes are, and how a byte is shown in a message.

export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const QUOTE = 0x22;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
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

/** Offset of the first byte that is not whitespace (nor the byte order mark); `head.length` if none. */
export function firstMeaningfulByte(head: Uint8Array): number {
  return skipWhitespace(head, byteOrderMarkLength(head));
}

/** Offset of the byte that is not whitespace after the one at `first`; `head.length` if none. */
export function nextMeaningfulByte(head: Uint8Array, first: number): number {
  return skipWhitespace(head, first + 1);
}

/** A byte as humans read it in a message: `'x' (0x78)`. */
export function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}
