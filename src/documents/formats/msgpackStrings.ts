// msgpackr decodes a str holding invalid UTF-8 to U+FFFD, silently changing the data. This walks a value's
// msgpack bytes (headers only: msgpack is prefix-coded, so no recursion is needed) and checks every str
// payload. Values of ASCII bytes only are skipped at once.
import { isAscii } from "node:buffer";
import { type InvalidUtf8, invalidUtf8 } from "./utf8.ts";

/** Bytes after the type byte of the fixed-size types: numbers, fixext, and array and map headers. */
const FIXED_SIZES = new Map<number, number>([
  [0xca, 4],
  [0xcb, 8],
  [0xcc, 1],
  [0xcd, 2],
  [0xce, 4],
  [0xcf, 8],
  [0xd0, 1],
  [0xd1, 2],
  [0xd2, 4],
  [0xd3, 8],
  [0xd4, 2],
  [0xd5, 3],
  [0xd6, 5],
  [0xd7, 9],
  [0xd8, 17],
  [0xdc, 2],
  [0xdd, 4],
  [0xde, 2],
  [0xdf, 4],
]);

/** One item's header: its size and that of its payload (str, bin, ext), and whether the payload is text. */
function itemAt(bytes: Buffer, i: number): { header: number; payload: number; text: boolean } {
  const type = bytes[i];
  if (type >= 0xa0 && type <= 0xbf) return { header: 1, payload: type & 0x1f, text: true };
  switch (type) {
    case 0xd9:
      return { header: 2, payload: bytes[i + 1], text: true };
    case 0xda:
      return { header: 3, payload: bytes.readUInt16BE(i + 1), text: true };
    case 0xdb:
      return { header: 5, payload: bytes.readUInt32BE(i + 1), text: true };
    case 0xc4:
      return { header: 2, payload: bytes[i + 1], text: false };
    case 0xc5:
      return { header: 3, payload: bytes.readUInt16BE(i + 1), text: false };
    case 0xc6:
      return { header: 5, payload: bytes.readUInt32BE(i + 1), text: false };
    case 0xc7:
      return { header: 3, payload: bytes[i + 1], text: false };
    case 0xc8:
      return { header: 4, payload: bytes.readUInt16BE(i + 1), text: false };
    case 0xc9:
      return { header: 6, payload: bytes.readUInt32BE(i + 1), text: false };
  }
  return { header: 1 + (FIXED_SIZES.get(type) ?? 0), payload: 0, text: false };
}

/** The first str of `bytes[start, end)` (one whole msgpack value) that is not valid UTF-8, or undefined. */
export function invalidMsgpackString(bytes: Buffer, start: number, end: number): InvalidUtf8 | undefined {
  if (isAscii(bytes.subarray(start, end))) return undefined;
  for (let i = start; i < end; ) {
    const type = bytes[i];
    // Positive and negative fixints, fixmap and fixarray headers, nil and booleans: one byte, no payload.
    if (type < 0xa0 || type >= 0xe0 || (type >= 0xc0 && type <= 0xc3)) {
      i++;
      continue;
    }
    const { header, payload, text } = itemAt(bytes, i);
    const from = i + header;
    i = from + payload;
    if (!text) continue;
    const invalid = invalidUtf8(bytes.subarray(from, Math.min(i, end)));
    if (invalid !== undefined) return { offset: from + invalid.offset, message: invalid.message };
  }
  return undefined;
}
