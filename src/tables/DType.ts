// Element types of columns and arrays, and the typed-array storage behind each one.
// Numeric and bool dtypes live in typed arrays (bool as 0/1 bytes); string and object live in plain arrays.
import { ValidationError } from "../errors.ts";

export const DTYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float32",
  "float64",
  "string",
  "object",
] as const;

export type DType = (typeof DTYPES)[number];

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

type TypedArrayConstructor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const STORAGE: Partial<Record<DType, TypedArrayConstructor>> = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

export function isDType(value: unknown): value is DType {
  return typeof value === "string" && (DTYPES as readonly string[]).includes(value);
}

/** Integers and floats (not bool, string or object). */
export function isNumeric(dtype: DType): boolean {
  return dtype !== "bool" && dtype in STORAGE;
}

/** float32 / float64: whole values are still floats (written 1.0, read back by Python as float). */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** 64-bit integers are held as bigint values (BigInt64Array / BigUint64Array). */
export function isBigInt(dtype: DType): boolean {
  return dtype === "int64" || dtype === "uint64";
}

/** The typed-array class holding `dtype`, or undefined for string and object. */
export function typedArrayClass(dtype: DType): TypedArrayConstructor | undefined {
  return STORAGE[dtype];
}

/** Bytes per element for typed dtypes, undefined for string and object. */
export function itemSize(dtype: DType): number | undefined {
  return STORAGE[dtype]?.BYTES_PER_ELEMENT;
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** The dtype a typed array holds by itself (a Uint8Array reads as uint8: bool needs saying). */
export function dtypeOfTypedArray(array: TypedArray): DType {
  if (array instanceof Float64Array) return "float64";
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Int32Array) return "int32";
  if (array instanceof Int16Array) return "int16";
  if (array instanceof Int8Array) return "int8";
  if (array instanceof BigInt64Array) return "int64";
  if (array instanceof Uint32Array) return "uint32";
  if (array instanceof Uint16Array) return "uint16";
  if (array instanceof BigUint64Array) return "uint64";
  return "uint8";
}

/** Storage for `length` elements of `dtype`: a zeroed typed array, or an array of nulls. */
export function allocate(dtype: DType, length: number): TypedArray | unknown[] {
  const Class = STORAGE[dtype];
  return Class ? new Class(length) : new Array<unknown>(length).fill(null);
}

/** Converts one JS value to what storage of `dtype` holds (bigint for 64-bit ints, 0/1 for bool). */
export function coerce(dtype: DType, value: unknown): unknown {
  if (dtype === "bool") return value ? 1 : 0;
  if (isBigInt(dtype)) {
    if (typeof value === "bigint") return value;
    const n = Number(value);
    if (!Number.isFinite(n)) {
      throw new ValidationError(`cannot store ${String(value)} as ${dtype}`);
    }
    return BigInt(Math.trunc(n));
  }
  if (isNumeric(dtype)) return value === null || value === undefined ? Number.NaN : Number(value);
  return value;
}

/** Builds storage of `dtype` from plain values (numbers, booleans, bigints, strings, anything). */
export function fromValues(dtype: DType, values: ArrayLike<unknown>): TypedArray | unknown[] {
  const out = allocate(dtype, values.length);
  if (!isTypedArray(out)) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  const target = out as unknown as { [i: number]: unknown };
  for (let i = 0; i < values.length; i++) target[i] = coerce(dtype, values[i]);
  return out;
}

/** Reads element `i` of storage as a plain JS value (bool as boolean, 64-bit ints as bigint). */
export function elementValue(dtype: DType, data: TypedArray | unknown[], i: number): unknown {
  const value = data[i];
  return dtype === "bool" ? Boolean(value) : value;
}

/**
 * The dtype of loose values whose type nobody declared: all booleans -> bool, all numbers (or null)
 * -> float64 (JSON cannot tell 1 from 1.0, so integers are not guessed), all strings (or null) -> string,
 * all bigints -> int64, anything else -> object. Nested arrays are looked through to their leaves.
 */
export function inferDType(values: Iterable<unknown>): DType {
  let seen: DType | undefined;
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.every(visit);
    if (isTypedArray(value)) {
      seen = merge(seen, dtypeOfTypedArray(value));
      return seen !== "object";
    }
    let kind: DType | undefined;
    if (value === null || value === undefined) return true;
    if (typeof value === "boolean") kind = "bool";
    else if (typeof value === "number") kind = "float64";
    else if (typeof value === "bigint") kind = "int64";
    else if (typeof value === "string") kind = "string";
    else kind = "object";
    seen = merge(seen, kind);
    return seen !== "object";
  };
  for (const value of values) if (!visit(value)) return "object";
  return seen ?? "float64";
}

function merge(a: DType | undefined, b: DType): DType {
  return a === undefined ? b : promote(a, b);
}

/** The dtype that holds values of both: equal stays, numeric pairs widen to float64, else object. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return "float64";
  return "object";
}
