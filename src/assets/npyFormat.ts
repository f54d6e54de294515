// The NPY file format (numpy's `.npy`, versions 1.0, 2.0 and 3.0): header parsing, data decoding into an
// NDArray (either byte order, C or Fortran order, bool/int/uint/float/fixed-width strings), and writing.
import { UnreadableError, UnsupportedError, ValidationError } from "../errors.ts";
import { type TypedArray, typedArrayClass } from "../tables/DType.ts";
import { elementCount, type NDArray } from "../tables/NDArray.ts";
import {
  HOST_IS_LITTLE_ENDIAN,
  type NumpyType,
  numpyDtypeString,
  parseNumpyDtype,
} from "../tables/numpyDtype.ts";
import { transpose } from "../tables/transpose.ts";
import { swapBytes } from "./byteOrder.ts";
import { FileAccess } from "./fileAccess.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** Bytes before the header text: magic, version (2), header length (2 in v1, 4 in v2/v3). */
const LONGEST_PREAMBLE = 12;

export interface NpyHeader {
  version: [number, number];
  /** numpy's type string as written, e.g. `<u2`. */
  descr: string;
  type: NumpyType;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the first data byte from the start of the file. */
  dataOffset: number;
}

/** Length of magic + version + length field + header text, from the first 12 bytes of a file. */
export function npyHeaderEnd(preamble: Uint8Array, source = "npy"): number {
  if (preamble.length < 10 || MAGIC.some((byte, i) => preamble[i] !== byte)) {
    throw new UnreadableError(source, "byte 0", "not an NPY file (no \\x93NUMPY magic)");
  }
  const major = preamble[6];
  const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && preamble.length >= 12) return 12 + view.getUint32(8, true);
  throw new UnreadableError(source, "byte 6", `unsupported NPY version ${major}.${preamble[7]}`);
}

/** Parses the header of an NPY file; `bytes` must hold at least the whole header. */
export function parseNpyHeader(bytes: Uint8Array, source = "npy"): NpyHeader {
  const dataOffset = npyHeaderEnd(bytes, source);
  if (bytes.length < dataOffset)
    throw new UnreadableError(source, `byte ${bytes.length}`, "truncated NPY header");
  const version: [number, number] = [bytes[6], bytes[7]];
  const textStart = version[0] === 1 ? 10 : 12;
  const decoder = new TextDecoder(version[0] === 3 ? "utf-8" : "latin1");
  const text = decoder.decode(bytes.subarray(textStart, dataOffset));
  const at = `byte ${textStart}`;
  // The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (10, 10), }
  if (/['"]descr['"]\s*:\s*\[/.test(text)) {
    throw new UnsupportedError(`${source}: structured NPY dtypes are not read`);
  }
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UnreadableError(source, at, `malformed NPY header: ${text.trim()}`);
  }
  const shape = shapeText
    .split(",")
    .map((part) => part.trim().replace(/L$/, ""))
    .filter((part) => part !== "")
    .map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new UnreadableError(source, at, `malformed NPY shape (${shapeText})`);
  }
  let type: NumpyType;
  try {
    type = parseNumpyDtype(descr);
  } catch (error) {
    throw new UnsupportedError(`${source}: ${(error as Error).message}`);
  }
  if (type.kind === "O")
    throw new UnsupportedError(`${source}: NPY files of Python objects (pickles) are not read`);
  return { version, descr, type, fortranOrder: fortran === "True", shape, dataOffset };
}

/** IEEE half precision to a JS number. */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeStrings(type: NumpyType, bytes: Uint8Array, count: number): string[] {
  const out = new Array<string>(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const start = i * type.itemSize;
    let text = "";
    if (type.kind === "U") {
      for (let at = start; at < start + type.itemSize; at += 4) {
        const codePoint = view.getUint32(at, type.littleEndian);
        if (codePoint === 0) break;
        text += String.fromCodePoint(codePoint);
      }
    } else {
      let end = start + type.itemSize;
      while (end > start && bytes[end - 1] === 0) end--;
      text = new TextDecoder("latin1").decode(bytes.subarray(start, end));
    }
    out[i] = text;
  }
  return out;
}

/**
 * Turns the data bytes of an NPY file into an NDArray. `bytes` is taken over (swapped in place when
 * big-endian); when it starts on an aligned offset the result views it without copying.
 */
export function decodeNpyData(header: NpyHeader, bytes: Uint8Array, source = "npy"): NDArray {
  const { type, fortranOrder } = header;
  const count = elementCount(header.shape);
  const needed = count * type.itemSize;
  if (bytes.length < needed) {
    throw new UnreadableError(
      source,
      `byte ${header.dataOffset + bytes.length}`,
      `truncated NPY data: shape (${header.shape.join(", ")}) of ${header.descr} needs ${needed} bytes, found ${bytes.length}`,
    );
  }
  // Fortran order is C order of the reversed shape; transposing at the end restores the axes.
  const storedShape = fortranOrder ? [...header.shape].reverse() : header.shape;
  let data: NDArray["data"];
  if (type.dtype === "string") {
    data = decodeStrings(type, bytes, count);
  } else if (type.kind === "f" && type.itemSize === 2) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, needed);
    const floats = new Float32Array(count);
    for (let i = 0; i < count; i++) floats[i] = halfToNumber(view.getUint16(2 * i, type.littleEndian));
    data = floats;
  } else {
    const Class = typedArrayClass(type.dtype)!;
    let owned = bytes.subarray(0, needed);
    if (type.littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytes(owned, type.itemSize);
    if (owned.byteOffset % type.itemSize !== 0) owned = owned.slice();
    data = new Class(owned.buffer, owned.byteOffset, count);
    if (type.dtype === "bool") for (let i = 0; i < count; i++) if (data[i]) data[i] = 1;
  }
  const array: NDArray = { shape: [...storedShape], dtype: type.dtype, data };
  return fortranOrder && storedShape.length > 1 ? transpose(array) : { ...array, shape: [...header.shape] };
}

/** Decodes a whole NPY file held in memory. */
export function decodeNpy(bytes: Uint8Array, source = "npy"): NDArray {
  const header = parseNpyHeader(bytes, source);
  return decodeNpyData(header, bytes.subarray(header.dataOffset), source);
}

/**
 * Reads an NPY file opened through `files` (by default, a path the caller chose: any regular file): the
 * header first, then the data its shape declares, charged to the read's budget, straight into one buffer.
 */
export function readNpyFile(path: string, files = FileAccess.callerChosen()): NDArray {
  const file = files.open(path);
  try {
    const preamble = file.read(0, LONGEST_PREAMBLE);
    const headerEnd = npyHeaderEnd(preamble, path);
    files.budget.check(headerEnd, `the NPY header of ${path}`);
    const header = parseNpyHeader(file.read(0, headerEnd), path);
    const length = elementCount(header.shape) * header.type.itemSize;
    files.budget.charge(Math.min(length, file.size), `the NPY data of ${path}`);
    return decodeNpyData(header, file.read(header.dataOffset, length), path);
  } finally {
    file.close();
  }
}

/** The header bytes of an NPY file (version 1.0, or 2.0 when the text is too long), padded to 64 bytes. */
export function encodeNpyHeader(descr: string, fortranOrder: boolean, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? "True" : "False"}, 'shape': ${tuple}, }`;
  const version = dict.length + 11 > 0xffff ? 2 : 1;
  const preamble = version === 1 ? 10 : 12;
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const bytes = new Uint8Array(total).fill(0x20);
  bytes.set(MAGIC, 0);
  bytes[6] = version;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, total - preamble, true);
  else view.setUint32(8, total - preamble, true);
  bytes.set(new TextEncoder().encode(dict), preamble);
  bytes[total - 1] = 0x0a;
  return bytes;
}

/** A whole NPY file for an array: little-endian, C order; strings as `<U` of the longest one. */
export function encodeNpy(array: NDArray): Uint8Array {
  const count = elementCount(array.shape);
  let descr = numpyDtypeString(array.dtype);
  let body: Uint8Array;
  if (array.dtype === "string") {
    const strings = Array.from(array.data as unknown[], (s) => [...String(s ?? "")]);
    const width = Math.max(1, ...strings.map((chars) => chars.length));
    descr = `<U${width}`;
    body = new Uint8Array(count * width * 4);
    const view = new DataView(body.buffer);
    strings.forEach((chars, i) => {
      for (const [j, ch] of chars.entries()) view.setUint32((i * width + j) * 4, ch.codePointAt(0)!, true);
    });
  } else if (array.dtype === "object") {
    throw new UnsupportedError("NPY files of Python objects are not written");
  } else {
    const data = array.data as TypedArray;
    if (data.length !== count)
      throw new ValidationError(`shape needs ${count} elements, data has ${data.length}`);
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (!HOST_IS_LITTLE_ENDIAN) {
      body = body.slice();
      swapBytes(body, data.BYTES_PER_ELEMENT);
    }
  }
  const header = encodeNpyHeader(descr, false, array.shape);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
