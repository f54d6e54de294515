// Decodes one BSON document (a mongodump record) into the JS value event-model readers expect. Written here
// rather than through the `bson` package so that a double says it is a float: BSON double vs int32/int64 is
// exactly Python's float vs int, and a whole double is marked (floatMarks.ts) as the JSON and msgpack readers
// do. ObjectId becomes its hex string, int64 a number, a datetime its ISO 8601 text, binary its base64 text.
import { markFloat } from "../../floatMarks.ts";

/** A value the decoder cannot stand for (a bad length, a type event-model has no use for). */
export class BsonProblem extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

type Container = Record<string, unknown> | unknown[];

/** The document in `bytes[start, start + its length)`; a BsonProblem gives the offset within `bytes`. */
export function decodeBson(bytes: Buffer, start = 0): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  readElements(bytes, start, doc);
  return doc;
}

function documentEnd(bytes: Buffer, start: number): number {
  if (start + 5 > bytes.length) throw new BsonProblem(start, "a nested document runs past its record");
  const length = bytes.readInt32LE(start);
  const end = start + length;
  if (length < 5 || end > bytes.length || bytes[end - 1] !== 0)
    throw new BsonProblem(start, `a nested document has a bad length (${length})`);
  return end;
}

function readElements(bytes: Buffer, start: number, into: Container): number {
  const end = documentEnd(bytes, start);
  let pos = start + 4;
  let index = 0;
  while (pos < end - 1) {
    const type = bytes[pos];
    let keyEnd = pos + 1;
    while (keyEnd < end && bytes[keyEnd] !== 0) keyEnd++;
    if (keyEnd >= end) throw new BsonProblem(pos, "an element name runs past its document");
    const key = Array.isArray(into) ? index++ : text(bytes, pos + 1, keyEnd);
    pos = keyEnd + 1;
    let value: unknown;
    switch (type) {
      case 0x01: // double: Python float
        value = bytes.readDoubleLE(pos);
        pos += 8;
        if (Number.isInteger(value)) markFloat(into, key);
        break;
      case 0x02: {
        const length = bytes.readInt32LE(pos);
        if (length < 1 || pos + 4 + length > end)
          throw new BsonProblem(pos, `a string has a bad length (${length})`);
        value = text(bytes, pos + 4, pos + 3 + length);
        pos += 4 + length;
        break;
      }
      case 0x03: {
        const object: Record<string, unknown> = {};
        pos = readElements(bytes, pos, object);
        value = object;
        break;
      }
      case 0x04: {
        const array: unknown[] = [];
        pos = readElements(bytes, pos, array);
        value = array;
        break;
      }
      case 0x05: {
        const length = bytes.readInt32LE(pos);
        if (length < 0 || pos + 5 + length > end)
          throw new BsonProblem(pos, `binary data has a bad length (${length})`);
        value = bytes.toString("base64", pos + 5, pos + 5 + length);
        pos += 5 + length;
        break;
      }
      case 0x06: // undefined (deprecated): what Python reads it as
      case 0x0a:
        value = null;
        break;
      case 0x07:
        value = bytes.toString("hex", pos, pos + 12);
        pos += 12;
        break;
      case 0x08:
        value = bytes[pos] !== 0;
        pos += 1;
        break;
      case 0x09:
        value = new Date(Number(bytes.readBigInt64LE(pos))).toISOString();
        pos += 8;
        break;
      case 0x10:
        value = bytes.readInt32LE(pos);
        pos += 4;
        break;
      case 0x12:
        value = Number(bytes.readBigInt64LE(pos));
        pos += 8;
        break;
      default:
        throw new BsonProblem(pos - 1, `unsupported BSON type 0x${type.toString(16)} at ${String(key)}`);
    }
    if (pos > end - 1) throw new BsonProblem(pos, "an element runs past its document");
    if (Array.isArray(into)) into.push(value);
    else into[key as string] = value;
  }
  return end;
}

/**
 * The UTF-8 text of `bytes[start, end)`. Names and uids are short ASCII: built in JS, which beats a call into
 * Buffer.toString for each of the thirty-odd names of an event record (the decoder's main cost).
 */
function text(bytes: Buffer, start: number, end: number): string {
  if (end - start > 48) return bytes.toString("utf8", start, end);
  let out = "";
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte >= 0x80) return bytes.toString("utf8", start, end);
    out += String.fromCharCode(byte);
  }
  return out;
}

/** Bytes after the name of an element of `type` holding a value of fixed size, or -1 when variable. */
const FIXED: Readonly<Record<number, number>> = {
  1: 8,
  6: 0,
  7: 12,
  8: 1,
  9: 8,
  10: 0,
  16: 4,
  17: 8,
  18: 8,
  19: 16,
  127: 0,
  255: 0,
};

/**
 * The value of top-level field `name` of the document at `start` when it is a string, an ObjectId (hex) or a
 * number, without decoding the rest: what indexing a huge event collection needs of each record.
 */
export function topLevelField(bytes: Buffer, start: number, name: string): string | number | undefined {
  const end = start + bytes.readInt32LE(start);
  let pos = start + 4;
  while (pos < end - 1) {
    const type = bytes[pos];
    const keyEnd = bytes.indexOf(0, pos + 1);
    if (keyEnd < 0 || keyEnd >= end) return undefined;
    const matches = keyEnd - pos - 1 === name.length && bytes.toString("latin1", pos + 1, keyEnd) === name;
    pos = keyEnd + 1;
    if (matches) {
      if (type === 0x02) return bytes.toString("utf8", pos + 4, pos + 3 + bytes.readInt32LE(pos));
      if (type === 0x07) return bytes.toString("hex", pos, pos + 12);
      if (type === 0x10) return bytes.readInt32LE(pos);
      if (type === 0x12) return Number(bytes.readBigInt64LE(pos));
      if (type === 0x01) return bytes.readDoubleLE(pos);
      return undefined;
    }
    const fixed = FIXED[type];
    if (fixed !== undefined) pos += fixed;
    else if (type === 0x02 || type === 0x0d || type === 0x0e) pos += 4 + bytes.readInt32LE(pos);
    else if (type === 0x03 || type === 0x04 || type === 0x0f) pos += bytes.readInt32LE(pos);
    else if (type === 0x05) pos += 5 + bytes.readInt32LE(pos);
    else return undefined; // regex, db pointer: never in these collections; the full decode reports them
  }
  return undefined;
}
