// Tiled's ArrayStructure of an NDArray: numpy kind / itemsize / endianness, shape, one chunk per dimension
// (the whole array is one block), dims. Object values are served as JSON text (kind `O` is refused).
import type { DType } from "../../tables/DType.ts";
import type { NDArray } from "../../tables/NDArray.ts";

export interface DataType {
  kind: string;
  itemsize: number;
  endianness: "little" | "big" | "not_applicable";
  dt_units: null;
}

export interface ArrayStructure {
  data_type: DataType;
  shape: number[];
  chunks: number[][];
  dims: string[];
  resizable: false;
}

const NUMERIC: Partial<Record<DType, [kind: string, itemsize: number]>> = {
  bool: ["b", 1],
  int8: ["i", 1],
  int16: ["i", 2],
  int32: ["i", 4],
  int64: ["i", 8],
  uint8: ["u", 1],
  uint16: ["u", 2],
  uint32: ["u", 4],
  uint64: ["u", 8],
  float32: ["f", 4],
  float64: ["f", 8],
};

/** Characters of the longest string (at least 1: numpy's `<U0` is awkward for clients). */
function longestString(values: ArrayLike<unknown>): number {
  let longest = 1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "string") longest = Math.max(longest, [...value].length);
  }
  return longest;
}

/** The numpy data type of an array's elements; strings are fixed-width UTF-32 (`<U<n>`). */
export function dataTypeOf(array: NDArray): DataType {
  const numeric = NUMERIC[array.dtype];
  if (numeric) {
    const [kind, itemsize] = numeric;
    return { kind, itemsize, endianness: itemsize === 1 ? "not_applicable" : "little", dt_units: null };
  }
  return { kind: "U", itemsize: 4 * longestString(array.data), endianness: "little", dt_units: null };
}

/** Dims for a shape: `time` first, then the declared names when they fit, else dim_0, dim_1, ... */
export function dimsFor(shape: readonly number[], declared: readonly string[] | undefined): string[] {
  const inner = shape.length - 1;
  if (inner < 0) return [];
  if (declared && declared.length === inner) return ["time", ...declared];
  return ["time", ...Array.from({ length: inner }, (_, i) => `dim_${i}`)];
}

export function arrayStructure(shape: readonly number[], dataType: DataType, dims: string[]): ArrayStructure {
  return {
    data_type: dataType,
    shape: [...shape],
    chunks: shape.map((n) => [n]),
    dims,
    resizable: false,
  };
}
