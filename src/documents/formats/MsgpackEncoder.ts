// A msgpack encoder for documents, written here rather than taken from msgpackr because documents must
// come back exactly: msgpackr writes -0 as the integer 0 and integers beyond 32 bits as floats. Here every
// non-integer, -0, NaN and ±Infinity is a float64, every safe integer an integer, a BigInt a 64-bit integer.
// A whole number marked as a float (floatMarks.ts) is a float64 too, so that Python reads a float.
import { UnsupportedError } from "../../errors.ts";
import { floatKeysOf } from "../floatMarks.ts";

const INITIAL_BYTES = 64 * 1024;
const TWO_TO_32 = 2 ** 32;

/** Appends msgpack values to a growing buffer; `take` hands the bytes out and starts over. */
export class MsgpackEncoder {
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  private length = 0;

  /** Bytes encoded since the last `take`. */
  get byteLength(): number {
    return this.length;
  }

  /** A copy of the bytes encoded since the last `take`; the encoder is then empty. */
  take(): Buffer {
    const bytes = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return bytes;
  }

  /** Appends `value`; `float`: it sits at a marked key, so its numbers (an array's too) are float64. */
  encode(value: unknown, float = false): void {
    const type = typeof value;
    if (type === "number") this.encodeNumber(value as number, float);
    else if (type === "string") this.encodeString(value as string);
    else if (type === "boolean") this.byte(value ? 0xc3 : 0xc2);
    else if (type === "bigint") this.encodeBigInt(value as bigint);
    else if (value === null || type !== "object") this.byte(0xc0);
    else if (Array.isArray(value)) this.encodeArray(value, float);
    else if (value instanceof Uint8Array) this.encodeBinary(value);
    else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      this.encodeArray(Array.from(value as unknown as ArrayLike<unknown>), float);
    } else if (value instanceof Map) this.encodeMap(value);
    else {
      const toJSON = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === "function") this.encode(toJSON.call(value), float);
      else this.encodeObject(value as Record<string, unknown>);
    }
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** A str or bin header: the 8-bit-length type byte `type8` (str8, bin8), or the two that follow it. */
  private typeAndLength(type8: number, length: number): void {
    this.reserve(5);
    const at = this.length;
    if (length < 0x100) {
      this.buffer[at] = type8;
      this.buffer[at + 1] = length;
      this.length += 2;
    } else if (length < 0x10000) {
      this.buffer[at] = type8 + 1;
      this.view.setUint16(at + 1, length);
      this.length += 3;
    } else {
      this.buffer[at] = type8 + 2;
      this.view.setUint32(at + 1, length);
      this.length += 5;
    }
  }

  private encodeNumber(value: number, float: boolean): void {
    const isInteger = !float && Number.isSafeInteger(value) && !(value === 0 && 1 / value < 0);
    if (!isInteger) {
      this.reserve(9);
      this.buffer[this.length] = 0xcb;
      this.view.setFloat64(this.length + 1, value);
      this.length += 9;
      return;
    }
    this.reserve(9);
    const at = this.length;
    if (value >= 0) {
      if (value < 0x80) {
        this.buffer[at] = value;
        this.length += 1;
      } else if (value < 0x100) {
        this.buffer[at] = 0xcc;
        this.buffer[at + 1] = value;
        this.length += 2;
      } else if (value < 0x10000) {
        this.buffer[at] = 0xcd;
        this.view.setUint16(at + 1, value);
        this.length += 3;
      } else if (value < TWO_TO_32) {
        this.buffer[at] = 0xce;
        this.view.setUint32(at + 1, value);
        this.length += 5;
      } else {
        this.buffer[at] = 0xcf;
        this.view.setUint32(at + 1, Math.floor(value / TWO_TO_32));
        this.view.setUint32(at + 5, value % TWO_TO_32);
        this.length += 9;
      }
    } else if (value >= -0x20) {
      this.buffer[at] = value & 0xff;
      this.length += 1;
    } else if (value >= -0x80) {
      this.buffer[at] = 0xd0;
      this.view.setInt8(at + 1, value);
      this.length += 2;
    } else if (value >= -0x8000) {
      this.buffer[at] = 0xd1;
      this.view.setInt16(at + 1, value);
      this.length += 3;
    } else if (value >= -0x80000000) {
      this.buffer[at] = 0xd2;
      this.view.setInt32(at + 1, value);
      this.length += 5;
    } else {
      this.buffer[at] = 0xd3;
      this.view.setBigInt64(at + 1, BigInt(value));
      this.length += 9;
    }
  }

  private encodeBigInt(value: bigint): void {
    this.reserve(9);
    if (value >= -(2n ** 63n) && value < 2n ** 63n) {
      this.buffer[this.length] = 0xd3;
      this.view.setBigInt64(this.length + 1, value);
    } else if (value >= 0n && value < 2n ** 64n) {
      this.buffer[this.length] = 0xcf;
      this.view.setBigUint64(this.length + 1, value);
    } else {
      throw new UnsupportedError(`the integer ${value} does not fit msgpack's 64 bits`);
    }
    this.length += 9;
  }

  private encodeString(value: string): void {
    const byteLength = Buffer.byteLength(value, "utf8");
    if (byteLength < 32) {
      this.reserve(1 + byteLength);
      this.buffer[this.length++] = 0xa0 | byteLength;
    } else {
      this.typeAndLength(0xd9, byteLength);
      this.reserve(byteLength);
    }
    this.length += this.buffer.write(value, this.length, byteLength, "utf8");
  }

  private encodeBinary(value: Uint8Array): void {
    this.typeAndLength(0xc4, value.byteLength);
    this.reserve(value.byteLength);
    this.buffer.set(value, this.length);
    this.length += value.byteLength;
  }

  private collectionHeader(fixBase: number, type16: number, count: number): void {
    if (count < 16) this.byte(fixBase | count);
    else {
      this.reserve(5);
      if (count < 0x10000) {
        this.buffer[this.length] = type16;
        this.view.setUint16(this.length + 1, count);
        this.length += 3;
      } else {
        this.buffer[this.length] = type16 + 1;
        this.view.setUint32(this.length + 1, count);
        this.length += 5;
      }
    }
  }

  private encodeArray(items: readonly unknown[], float: boolean): void {
    this.collectionHeader(0x90, 0xdc, items.length);
    const floats = floatKeysOf(items);
    for (let i = 0; i < items.length; i++) this.encode(items[i], float || floats?.has(String(i)) === true);
  }

  private encodeObject(object: Record<string, unknown>): void {
    const keys = Object.keys(object);
    // Like JSON, members whose value is undefined or a function are left out.
    let count = 0;
    for (const key of keys) if (isEncodable(object[key])) count++;
    this.collectionHeader(0x80, 0xde, count);
    const floats = floatKeysOf(object);
    for (const key of keys) {
      const member = object[key];
      if (!isEncodable(member)) continue;
      this.encodeString(key);
      this.encode(member, floats?.has(key) === true);
    }
  }

  private encodeMap(map: Map<unknown, unknown>): void {
    this.collectionHeader(0x80, 0xde, map.size);
    for (const [key, member] of map) {
      this.encode(key);
      this.encode(member);
    }
  }
}

function isEncodable(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}
