// Marks the whole-valued floats of a decoded msgpack value (floatMarks.ts): msgpackr gives float64 1.0 as the
// number 1, so the value's bytes are walked beside it to find each float32/float64 whose value is whole.
import { markFloat } from "../floatMarks.ts";

/** Marks, inside `value`, the whole floats of `bytes` (the msgpack encoding `value` was decoded from). */
export function markMsgpackFloats(bytes: Uint8Array, value: unknown): void {
  new FloatWalker(bytes).walk(value);
}

/** Bytes to skip after the type byte, for the types of a fixed size (ints, fixext). */
const FIXED_SIZES: Readonly<Record<number, number>> = {
  192: 0,
  194: 0,
  195: 0,
  204: 1,
  205: 2,
  206: 4,
  207: 8,
  208: 1,
  209: 2,
  210: 4,
  211: 8,
  212: 2,
  213: 3,
  214: 5,
  215: 9,
  216: 17,
};

class FloatWalker {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads past the value at `pos`, marking inside `value` (its decoded form); true for a whole float. */
  walk(value: unknown): boolean {
    const type = this.bytes[this.pos++];
    if (type <= 0x7f || type >= 0xe0) return false;
    if (type <= 0x8f) return this.map(type & 0x0f, value);
    if (type <= 0x9f) return this.array(type & 0x0f, value);
    if (type <= 0xbf) return this.skip(type & 0x1f);
    const fixed = FIXED_SIZES[type];
    if (fixed !== undefined) return this.skip(fixed);
    switch (type) {
      case 0xca:
        return Number.isInteger(this.view.getFloat32((this.pos += 4) - 4));
      case 0xcb:
        return Number.isInteger(this.view.getFloat64((this.pos += 8) - 8));
      case 0xc4:
      case 0xd9:
        return this.skip(this.length(1));
      case 0xc5:
      case 0xda:
        return this.skip(this.length(2));
      case 0xc6:
      case 0xdb:
        return this.skip(this.length(4));
      case 0xc7:
        return this.skip(this.length(1) + 1);
      case 0xc8:
        return this.skip(this.length(2) + 1);
      case 0xc9:
        return this.skip(this.length(4) + 1);
      case 0xdc:
        return this.array(this.length(2), value);
      case 0xdd:
        return this.array(this.length(4), value);
      case 0xde:
        return this.map(this.length(2), value);
      case 0xdf:
        return this.map(this.length(4), value);
    }
    throw new Error(`unexpected msgpack type byte 0x${type.toString(16)}`);
  }

  private skip(bytes: number): false {
    this.pos += bytes;
    return false;
  }

  private length(bytes: 1 | 2 | 4): number {
    const at = this.pos;
    this.pos += bytes;
    return bytes === 1 ? this.bytes[at] : bytes === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  private array(count: number, value: unknown): false {
    const array = Array.isArray(value) ? value : undefined;
    for (let i = 0; i < count; i++) if (this.walk(array?.at(i)) && array) markFloat(array, i);
    return false;
  }

  private map(count: number, value: unknown): false {
    const object =
      typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
        ? (value as Record<string, unknown>)
        : undefined;
    for (let i = 0; i < count; i++) {
      const key = this.key();
      const member = object && key !== undefined ? object[key] : undefined;
      if (this.walk(member) && object && key !== undefined) markFloat(object, key);
    }
    return false;
  }

  /** A map key: its text when a string, else it is skipped (numbers as keys need no marks). */
  private key(): string | undefined {
    const type = this.bytes[this.pos];
    let length: number;
    if (type >= 0xa0 && type <= 0xbf) {
      this.pos++;
      length = type & 0x1f;
    } else if (type === 0xd9 || type === 0xda || type === 0xdb) {
      this.pos++;
      length = this.length(type === 0xd9 ? 1 : type === 0xda ? 2 : 4);
    } else {
      this.walk(undefined);
      return undefined;
    }
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, length).toString("utf8");
    this.pos += length;
    return text;
  }
}
