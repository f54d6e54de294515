// Decodes the maps msgpack-numpy writes for numpy values ({nd, type, kind, shape, data}, keys often bytes)
// into plain values: nested arrays of numbers (booleans, strings) with the array's shape and dtype.

/** A msgpack-numpy value that cannot be turned into plain values; readers add the file and byte. */
export class NumpyDecodeError extends Error {}

const MARKER_AS_STRING = Buffer.from([0xa2, 0x6e, 0x64]); // fixstr "nd"
const MARKER_AS_BINARY = Buffer.from([0xc4, 0x02, 0x6e, 0x64]); // bin8 b"nd"

/** Cheap filter on raw msgpack bytes: could they hold a msgpack-numpy map at all? */
export function mayHoldNumpy(bytes: Buffer): boolean {
  return bytes.includes(MARKER_AS_STRING) || bytes.includes(MARKER_AS_BINARY);
}

function isNumpyMap(value: Record<string, unknown>): boolean {
  return typeof value.nd === "boolean" && "type" in value && "data" in value;
}

/**
 * Returns `value` with every msgpack-numpy map inside it decoded, and every Map (decoded with non-string
 * keys, e.g. the bytes keys msgpack-numpy writes) turned into a plain object with string keys.
 */
export function decodeNumpyValues(value: unknown): unknown {
  if (value instanceof Map) return decodeNumpyValues(plainObjectOf(value));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeNumpyValues(value[i]);
    return value;
  }
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  const object = value as Record<string, unknown>;
  if (isNumpyMap(object)) return decodeNumpyMap(object);
  for (const key of Object.keys(object)) object[key] = decodeNumpyValues(object[key]);
  return object;
}

// Fatal: a key of invalid UTF-8 is refused rather than changed.
const utf8 = new TextDecoder("utf-8", { fatal: true });

function plainObjectOf(map: Map<unknown, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, entry] of map) {
    const name = key instanceof Uint8Array ? utf8.decode(key) : String(key);
    Object.defineProperty(object, name, {
      value: entry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

function textOf(value: unknown): string {
  return value instanceof Uint8Array ? utf8.decode(value) : String(value);
}

interface Dtype {
  littleEndian: boolean;
  kind: string;
  itemSize: number;
}

function parseDtype(type: unknown): Dtype {
  if (Array.isArray(type))
    throw new NumpyDecodeError("structured numpy arrays (record dtypes) are not supported");
  const text = textOf(type);
  const match = /^([<>|=])?([biufcMmSU])(\d+)(\[\w+\])?$/.exec(text);
  if (match === null) throw new NumpyDecodeError(`unsupported numpy dtype ${JSON.stringify(text)}`);
  // The number in a unicode dtype counts characters of 4 bytes (UTF-32); in all others it counts bytes.
  const size = Number(match[3]);
  return { littleEndian: match[1] !== ">", kind: match[2], itemSize: match[2] === "U" ? 4 * size : size };
}

type ElementReader = (view: DataView, offset: number) => unknown;

function elementReader({ littleEndian: le, kind, itemSize }: Dtype): ElementReader {
  const key = `${kind}${itemSize}`;
  switch (key) {
    case "b1":
      return (v, o) => v.getUint8(o) !== 0;
    case "i1":
      return (v, o) => v.getInt8(o);
    case "u1":
      return (v, o) => v.getUint8(o);
    case "i2":
      return (v, o) => v.getInt16(o, le);
    case "u2":
      return (v, o) => v.getUint16(o, le);
    case "i4":
      return (v, o) => v.getInt32(o, le);
    case "u4":
      return (v, o) => v.getUint32(o, le);
    // 64-bit integers become the nearest number, as everywhere else in this package (exact below 2^53).
    case "i8":
    case "M8":
    case "m8":
      return (v, o) => Number(v.getBigInt64(o, le));
    case "u8":
      return (v, o) => Number(v.getBigUint64(o, le));
    case "f2":
      return (v, o) => float16(v.getUint16(o, le));
    case "f4":
      return (v, o) => v.getFloat32(o, le);
    case "f8":
      return (v, o) => v.getFloat64(o, le);
    // Complex numbers become [real, imaginary] pairs.
    case "c8":
      return (v, o) => [v.getFloat32(o, le), v.getFloat32(o + 4, le)];
    case "c16":
      return (v, o) => [v.getFloat64(o, le), v.getFloat64(o + 8, le)];
  }
  if (kind === "S") {
    return (v, o) =>
      Buffer.from(v.buffer, v.byteOffset + o, itemSize)
        .toString("latin1")
        .replace(/\0+$/, "");
  }
  if (kind === "U") {
    return (v, o) => {
      const codePoints: number[] = [];
      for (let p = o; p < o + itemSize; p += 4) {
        const codePoint = v.getUint32(p, le);
        if (codePoint === 0) break;
        codePoints.push(codePoint);
      }
      return String.fromCodePoint(...codePoints);
    };
  }
  throw new NumpyDecodeError(`unsupported numpy dtype ${kind}${itemSize}`);
}

/** IEEE 754 half precision to a number. */
function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeNumpyMap(map: Record<string, unknown>): unknown {
  const dtype = parseDtype(map.type);
  const data = map.data;
  if (!(data instanceof Uint8Array)) {
    // Files written with use_bin_type=False store the raw bytes as a msgpack str, already mangled by UTF-8.
    throw new NumpyDecodeError("msgpack-numpy array data is not binary (written with use_bin_type=False?)");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = elementReader(dtype);
  if (map.nd === false) {
    if (data.byteLength !== dtype.itemSize) {
      throw new NumpyDecodeError(`numpy scalar has ${data.byteLength} bytes, expected ${dtype.itemSize}`);
    }
    return read(view, 0);
  }
  const shape = Array.isArray(map.shape) ? (map.shape as unknown[]).map(Number) : [];
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((n) => Number.isInteger(n) && n >= 0) || count * dtype.itemSize !== data.byteLength) {
    throw new NumpyDecodeError(
      `numpy array of shape [${shape.join(", ")}] and dtype ${textOf(map.type)} ` +
        `needs ${count * dtype.itemSize} bytes, found ${data.byteLength}`,
    );
  }
  let offset = 0;
  // numpy stores C order: the last axis varies fastest.
  const build = (axis: number): unknown => {
    if (axis === shape.length) {
      const element = read(view, offset);
      offset += dtype.itemSize;
      return element;
    }
    const length = shape[axis];
    const out = new Array(length);
    for (let i = 0; i < length; i++) out[i] = build(axis + 1);
    return out;
  };
  return build(0);
}
