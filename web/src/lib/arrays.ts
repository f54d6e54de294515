// A field's values as numbers, read as raw bytes (`application/octet-stream`: the array's own dtype, C
// order) rather than JSON: a million float64s arrive as 8 MB and need no parsing.
import { apiPath, request } from "./api.ts";
import type { DataType } from "./runs.ts";

export interface NumericArray {
  values: Float64Array;
  shape: number[];
}

const TYPED: Record<string, new (buffer: ArrayBuffer) => ArrayLike<number | bigint>> = {
  f8: Float64Array,
  f4: Float32Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  i8: BigInt64Array,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  u8: BigUint64Array,
  b1: Uint8Array,
};

const GETTERS: Record<string, (view: DataView, offset: number) => number> = {
  f8: (view, offset) => view.getFloat64(offset),
  f4: (view, offset) => view.getFloat32(offset),
  i2: (view, offset) => view.getInt16(offset),
  i4: (view, offset) => view.getInt32(offset),
  i8: (view, offset) => Number(view.getBigInt64(offset)),
  u2: (view, offset) => view.getUint16(offset),
  u4: (view, offset) => view.getUint32(offset),
  u8: (view, offset) => Number(view.getBigUint64(offset)),
};

/** Decodes raw array bytes of a numeric dtype into float64s (64-bit integers beyond 2^53 lose precision). */
export function decodeNumbers(buffer: ArrayBuffer, type: DataType): Float64Array {
  const code = `${type.kind}${type.itemsize}`;
  if (type.endianness === "big" && type.itemsize > 1) {
    const get = GETTERS[code];
    if (!get) throw new Error(`cannot read dtype >${code}`);
    const view = new DataView(buffer);
    const values = new Float64Array(buffer.byteLength / type.itemsize);
    for (let i = 0; i < values.length; i++) values[i] = get(view, i * type.itemsize);
    return values;
  }
  const Typed = TYPED[code];
  if (!Typed) throw new Error(`cannot plot dtype ${code} (not a number)`);
  if (Typed === Float64Array) return new Float64Array(buffer);
  const typed = new Typed(buffer);
  const values = new Float64Array(typed.length);
  for (let i = 0; i < typed.length; i++) values[i] = Number(typed[i]);
  return values;
}

/** A numeric field (or a slice of it: numpy syntax, `3` or `0:10`) of a run's stream as float64s. */
export async function readArray(
  path: readonly string[],
  type: DataType,
  shape: number[],
  options: { slice?: string; signal?: AbortSignal } = {},
): Promise<NumericArray> {
  const params: Array<[string, string]> = [["format", "application/octet-stream"]];
  if (options.slice) params.push(["slice", options.slice]);
  const response = await request(apiPath(["array", "full", ...path], params), {
    accept: "application/octet-stream",
    signal: options.signal,
  });
  const values = decodeNumbers(await response.arrayBuffer(), type);
  return { values, shape: options.slice ? slicedShape(shape, options.slice) : shape };
}

/** The shape left after an index on the leading dimensions (`3` or `3,1`): the indexed dimensions drop. */
function slicedShape(shape: number[], slice: string): number[] {
  return shape.slice(slice.split(",").length);
}
