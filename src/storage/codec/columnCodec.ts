// One column of values <-> its stored form: numbers, and rectangular arrays of numbers of one shape, a
// little-endian float64 blob (a JS number is a float64, so every integer read is stored exactly); anything
// else exact msgpack, so messy data always round-trips. Reads avoid V8 boxing the caller's arrays of doubles
// (a copy read by plain indexing, `at()` once a column mixes kinds: README, Design notes).
import type { PageColumn } from "../ColumnPage.ts";
import { BufferArena } from "./BufferArena.ts";
import { decodeExact, encodeExact } from "./exactMsgpack.ts";
import { bytesToFloat64, float64ToBytes } from "./float64Bytes.ts";

/** A column as given: its values, or numbers already in a Float64Array (stored as they are, no copy). */
export type ColumnValues = readonly unknown[] | Float64Array;

export interface EncodedColumn {
  encoding: "float64" | "msgpack";
  /** float64: `[rows, ...shape of each value]`; msgpack: `[rows]`. */
  shape: number[];
  bytes: Uint8Array;
}

/** The shape of `value` when it is a rectangular nested array of numbers, else null. */
function numericShape(value: unknown[]): number[] | null {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) return shape;
    level = level.at(0);
  }
  return typeof level === "number" ? shape : null;
}

/** Copies one value of `shape` into `out` at `offset`; false when it does not have that shape or a non-number. */
function flattenInto(
  value: unknown,
  shape: number[],
  depth: number,
  out: Float64Array,
  offset: number,
): number {
  if (depth === shape.length) {
    if (typeof value !== "number") return -1;
    out[offset] = value;
    return offset + 1;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) return -1;
  for (let i = 0; i < value.length; i++) {
    offset = flattenInto(value.at(i), shape, depth + 1, out, offset);
    if (offset < 0) return -1;
  }
  return offset;
}

/** Whether columns are read by plain indexing (see the module comment): until one mixes numbers with others. */
let plainReads = true;

/**
 * The numbers of a column of scalar numbers (in `arena`, or the Float64Array given), null when some value is
 * not a number or the column is empty. Stored as they are, they are the column's float64 encoding.
 */
export function scalarNumbers(values: ColumnValues, arena: BufferArena): Float64Array | null {
  if (values instanceof Float64Array) return values;
  // Decided before taking room from the arena, which then need not give it back.
  if (typeof values.at(0) !== "number") return null;
  const out = arena.float64s(values.length);
  const copied = plainReads ? copyNumbers(values.slice(), out) : copyNumbersAt(values, out);
  if (copied) return out;
  plainReads = false;
  arena.giveBackFloat64s(values.length);
  return null;
}

/** Copies `values` (a copy of the caller's column, only ever read here) into `out`; false at a non-number. */
function copyNumbers(values: readonly unknown[], out: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "number") return false;
    out[i] = value;
  }
  return true;
}

/** `copyNumbers` reading the caller's column itself, with `at()`. */
function copyNumbersAt(values: readonly unknown[], out: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values.at(i);
    if (typeof value !== "number") return false;
    out[i] = value;
  }
  return true;
}

function arrayNumbers(values: readonly unknown[], shape: number[], arena: BufferArena): Float64Array | null {
  let size = 1;
  for (const extent of shape) size *= extent;
  const out = arena.float64s(values.length * size);
  let offset = 0;
  for (const value of values) {
    offset = flattenInto(value, shape, 0, out, offset);
    if (offset < 0) {
      arena.giveBackFloat64s(out.length);
      return null;
    }
  }
  return out;
}

/** Encodes one column; numeric ones go into `arena` (a page's columns share one), else their own buffer. */
export function encodeColumn(values: ColumnValues, arena = new BufferArena(0)): EncodedColumn {
  const rows = values.length;
  if (values instanceof Float64Array)
    return { encoding: "float64", shape: [rows], bytes: float64ToBytes(values) };
  const first = values.at(0);
  if (rows === 0) return { encoding: "float64", shape: [0], bytes: new Uint8Array(0) };
  if (typeof first === "number") {
    const numbers = scalarNumbers(values, arena);
    if (numbers) return { encoding: "float64", shape: [rows], bytes: float64ToBytes(numbers) };
  } else if (Array.isArray(first)) {
    const shape = numericShape(first);
    const numbers = shape && arrayNumbers(values, shape, arena);
    if (numbers && shape)
      return { encoding: "float64", shape: [rows, ...shape], bytes: float64ToBytes(numbers) };
  }
  return { encoding: "msgpack", shape: [rows], bytes: encodeExact(values) };
}

export function decodeColumn(encoded: EncodedColumn): PageColumn {
  if (encoded.encoding === "float64") {
    return { encoding: "float64", shape: encoded.shape, values: bytesToFloat64(encoded.bytes) };
  }
  return { encoding: "values", shape: encoded.shape, values: decodeExact<unknown[]>(encoded.bytes) };
}

function nestedRow(
  flat: Float64Array,
  shape: number[],
  depth: number,
  offset: number,
  stride: number[],
): unknown {
  if (depth === shape.length) return flat[offset];
  const out = new Array(shape[depth]);
  for (let i = 0; i < shape[depth]; i++)
    out[i] = nestedRow(flat, shape, depth + 1, offset + i * stride[depth], stride);
  return out;
}

/** The values of a column as plain JS values, one per row (nested arrays for array-valued rows). */
export function columnValues(column: PageColumn): unknown[] {
  if (column.encoding === "values") return column.values;
  const [rows, ...shape] = column.shape;
  if (shape.length === 0) return Array.from(column.values);
  // stride[d]: how many numbers one step along dimension d spans.
  const stride = new Array<number>(shape.length);
  let size = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = size;
    size *= shape[d];
  }
  const out = new Array(rows);
  for (let row = 0; row < rows; row++) out[row] = nestedRow(column.values, shape, 0, row * size, stride);
  return out;
}
