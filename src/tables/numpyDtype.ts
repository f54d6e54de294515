// numpy type strings (`<f8`, `>u2`, `|b1`, `<U12`) and event-model data keys, mapped to our DType.
// Used for descriptors' `dtype_numpy`, for NPY headers and wherever numpy's `dtype.str` is spoken.
import type { DataKey } from "../documents/types.ts";
import { UnsupportedError } from "../errors.ts";
import { type DType, isDType } from "./DType.ts";

/** One numpy type string, decoded. */
export interface NumpyType {
  /** What the values are read into (float16 is widened to float32; fixed-width strings become string). */
  dtype: DType;
  /** numpy's kind character: b, i, u, f, U, S, O. */
  kind: string;
  /** Bytes per element as stored (2 for `<f2`, 4·n for `<Un`). */
  itemSize: number;
  /** Byte order as stored; single-byte and non-numeric types count as little-endian. */
  littleEndian: boolean;
}

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const INTEGERS: Record<string, Record<number, DType>> = {
  i: { 1: "int8", 2: "int16", 4: "int32", 8: "int64" },
  u: { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" },
  f: { 2: "float32", 4: "float32", 8: "float64" },
  b: { 1: "bool" },
};

/** Decodes a numpy type string such as `<f8`; also accepts our own names (`float64`). */
export function parseNumpyDtype(text: string): NumpyType {
  if (isDType(text)) return fromOwnName(text);
  const match = /^([<>|=]?)([biufcUSaOMmV])(\d*)$/.exec(text.trim());
  if (!match) throw new UnsupportedError(`unsupported numpy dtype "${text}"`);
  const [, order, kind, digits] = match;
  const size = digits === "" ? 0 : Number(digits);
  const littleEndian = order === ">" ? false : order === "=" ? HOST_IS_LITTLE_ENDIAN : true;
  const numeric = INTEGERS[kind]?.[size];
  if (numeric) return { dtype: numeric, kind, itemSize: size, littleEndian };
  if (kind === "U") return { dtype: "string", kind, itemSize: 4 * size, littleEndian };
  if (kind === "S" || kind === "a") return { dtype: "string", kind: "S", itemSize: size, littleEndian: true };
  if (kind === "O") return { dtype: "object", kind, itemSize: 0, littleEndian: true };
  throw new UnsupportedError(`unsupported numpy dtype "${text}" (complex, datetime and void are not read)`);
}

function fromOwnName(dtype: DType): NumpyType {
  const text = numpyDtypeString(dtype);
  if (dtype === "string" || dtype === "object")
    return { dtype, kind: text[1], itemSize: 0, littleEndian: true };
  return parseNumpyDtype(text);
}

const NUMPY_NAMES: Record<DType, string> = {
  bool: "|b1",
  int8: "|i1",
  int16: "<i2",
  int32: "<i4",
  int64: "<i8",
  uint8: "|u1",
  uint16: "<u2",
  uint32: "<u4",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8",
  string: "<U0",
  object: "|O",
};

/** numpy's `dtype.str` for our dtype, little-endian (`<U0` stands for a string of unknown width). */
export function numpyDtypeString(dtype: DType): string {
  return NUMPY_NAMES[dtype];
}

/**
 * The dtype of an event-model data key: `dtype_numpy` when it is a plain type string, `object` for a
 * structured one, else from `dtype` (number -> float64, integer -> int64, boolean -> bool, string ->
 * string). An `array` without `dtype_numpy` does not say its element type: undefined, infer from values.
 */
export function dtypeFromDataKey(key: Pick<DataKey, "dtype" | "dtype_numpy">): DType | undefined {
  const numpy = key.dtype_numpy;
  if (typeof numpy === "string" && numpy !== "") {
    try {
      return parseNumpyDtype(numpy).dtype;
    } catch {
      return "object"; // an unreadable numpy type still leaves the values readable as they are
    }
  }
  if (Array.isArray(numpy)) return "object";
  switch (key.dtype) {
    case "number":
      return "float64";
    case "integer":
      return "int64";
    case "boolean":
      return "bool";
    case "string":
      return "string";
    default:
      return undefined;
  }
}
