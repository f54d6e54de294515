// An array node's raw body (application/octet-stream: C-order little-endian, strings as numpy's fixed-width
// UTF-32) turned into an NDArray by the structure the server declared for it.
import { UnsupportedError } from "../errors.ts";
import type { DType } from "../tables/DType.ts";
import { typedArrayClass } from "../tables/DType.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { ndarray } from "../tables/NDArray.ts";

/** Tiled's data_type of an array structure. */
export interface DataType {
  kind: string;
  itemsize: number;
  endianness: string;
}

const NUMERIC: Record<string, DType> = {
  b1: "bool",
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
};

function strings(bytes: Uint8Array, itemsize: number): string[] {
  const codes = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const width = itemsize / 4;
  const out: string[] = [];
  for (let at = 0; at < codes.length; at += width) {
    let end = at + width;
    while (end > at && codes[end - 1] === 0) end--; // numpy pads with NUL code points
    out.push(String.fromCodePoint(...codes.subarray(at, end)));
  }
  return out;
}

export function arrayFromBytes(bytes: Uint8Array, dataType: DataType, shape: readonly number[]): NDArray {
  if (dataType.endianness === "big") throw new UnsupportedError("big-endian arrays are not read");
  if (dataType.kind === "U") return ndarray(strings(bytes, dataType.itemsize), shape, "string");
  const dtype = NUMERIC[`${dataType.kind}${dataType.itemsize}`];
  const Storage = dtype && typedArrayClass(dtype);
  if (!dtype || !Storage)
    throw new UnsupportedError(`array data type ${dataType.kind}${dataType.itemsize} is not read`);
  // Typed arrays need an offset aligned to their element size: copy when the body is not.
  const aligned = bytes.byteOffset % Storage.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  const data = new Storage(
    aligned.buffer,
    aligned.byteOffset,
    aligned.byteLength / Storage.BYTES_PER_ELEMENT,
  );
  return ndarray(data, shape, dtype);
}
