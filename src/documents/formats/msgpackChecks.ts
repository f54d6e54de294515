// msgpackr silently changes two kinds of data: a str holding invalid UTF-8 becomes U+FFFD, and a 64-bit
// integer past 2^53 becomes the nearest double. This walks a value's msgpack bytes (headers only: msgpack is
// prefix-coded, so no recursion is needed), checks every str payload and every 64-bit integer, and names the
// first that would change. The walk allocates nothing for strings and checks short ASCII ones inline (it runs
// per document).
import { type InvalidUtf8, invalidUtf8 } from "./utf8.ts";

/** Bytes after the type byte of the fixed-size types 0xc0..0xdf: numbers, fixext, array and map headers. */
const FIXED_SIZES = new Uint8Array(0x20);
for (const [type, size] of [
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
])
  FIXED_SIZES[type - 0xc0] = size;

/** What would change in `bytes[start, end)` (one whole msgpack value): its first such str or integer. */
export function changedMsgpackValue(bytes: Buffer, start: number, end: number): InvalidUtf8 | undefined {
  for (let i = start; i < end; ) {
    const type = bytes[i];
    if ((type === 0xcf || type === 0xd3) && i + 9 <= end) {
      const integer = type === 0xcf ? bytes.readBigUInt64BE(i + 1) : bytes.readBigInt64BE(i + 1);
      if (BigInt(Number(integer)) !== integer)
        return {
          offset: i,
          message: `the integer ${integer} cannot be kept exactly (beyond ±2^53 it would become ${BigInt(Number(integer))}); write it as a string, or as a float if rounding is acceptable`,
        };
    }
    // Fixints, fixmap and fixarray headers, nil and booleans: one byte, no payload.
    if (type < 0xa0 || type >= 0xe0 || (type >= 0xc0 && type <= 0xc3)) {
      i++;
      continue;
    }
    let from: number;
    if (type <= 0xbf) from = i + 1;
    else if (type === 0xd9) from = i + 2;
    else if (type === 0xda) from = i + 3;
    else if (type === 0xdb) from = i + 5;
    else {
      i = afterBinary(bytes, i, type);
      continue;
    }
    const length =
      type <= 0xbf
        ? type & 0x1f
        : type === 0xd9
          ? bytes[i + 1]
          : type === 0xda
            ? bytes.readUInt16BE(i + 1)
            : bytes.readUInt32BE(i + 1);
    i = Math.min(from + length, end);
    // Most strings are short and ASCII: a loop is cheaper than a call into the native check.
    if (length < 64 && isAsciiRange(bytes, from, i)) continue;
    const invalid = invalidUtf8(bytes.subarray(from, i));
    if (invalid !== undefined)
      return { offset: from + invalid.offset, message: `${invalid.message} in a string` };
  }
  return undefined;
}

function isAsciiRange(bytes: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (bytes[k] >= 0x80) return false;
  return true;
}

/** The offset after a value of a type other than str (bin, ext, numbers, container headers). */
function afterBinary(bytes: Buffer, i: number, type: number): number {
  switch (type) {
    case 0xc4:
      return i + 2 + bytes[i + 1];
    case 0xc5:
      return i + 3 + bytes.readUInt16BE(i + 1);
    case 0xc6:
      return i + 5 + bytes.readUInt32BE(i + 1);
    case 0xc7:
      return i + 3 + bytes[i + 1];
    case 0xc8:
      return i + 4 + bytes.readUInt16BE(i + 1);
    case 0xc9:
      return i + 6 + bytes.readUInt32BE(i + 1);
  }
  return i + 1 + FIXED_SIZES[type - 0xc0];
}
