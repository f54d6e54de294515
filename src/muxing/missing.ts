// How muxing keeps missing values apart from real ones, and how dtypes follow (the rules, in one place):
//
// - A value is missing when it is NaN (in a float column), null or undefined (in a plain array), or when an
//   operation has no row to take it from (no earlier baseline reading, nothing in a bin, a field a run lacks).
// - A column that receives no gap keeps its dtype and storage exactly (int64 stays BigInt64Array, float32
//   stays float32, strings stay strings).
// - A column that receives a gap is promoted, as pandas does: float32/float64 stay and hold NaN; integers
//   (int8..uint64) become float64 holding NaN (int64 beyond 2^53 loses precision, as in pandas); bool,
//   string and object columns become plain arrays holding null; per-row array columns (NDArray) become plain
//   arrays of nested lists holding null for a missing row.
// - A NaN that was in the data is a missing value: operations that look for a field's value (align, first,
//   last, min, max, mean) skip it, as pandas' skipna and dropna do.
import { type Column, cellValue, columnLength } from "../tables/Column.ts";
import { isTypedArray, type TypedArray } from "../tables/DType.ts";
import { elementCount, isNDArray, type NDArray } from "../tables/NDArray.ts";

/** Whether `row` of `column` holds a value (not NaN, null or undefined). Array rows always do. */
export function hasValue(column: Column, row: number): boolean {
  if (isNDArray(column)) return true;
  const value = column[row];
  if (typeof value === "number") return !Number.isNaN(value);
  return value !== null && value !== undefined;
}

/** Whether every row of `column` holds a value (checked without a call per row for typed arrays). */
export function hasNoGaps(column: Column): boolean {
  if (isNDArray(column)) return true;
  if (column instanceof Float64Array || column instanceof Float32Array) {
    for (let i = 0; i < column.length; i++) if (Number.isNaN(column[i])) return false;
    return true;
  }
  if (isTypedArray(column)) return true;
  for (let row = 0; row < column.length; row++) if (!hasValue(column, row)) return false;
  return true;
}

/** The column's values at `rows` (-1: a gap), promoted by the rules above only when a gap occurs. */
export function takeRows(column: Column, rows: Int32Array): Column {
  // The common case (float64 readings), in a loop of its own that the JIT keeps monomorphic.
  if (column instanceof Float64Array) return takeFloat64(column, rows);
  let gaps = false;
  for (let i = 0; i < rows.length; i++)
    if (rows[i] < 0) {
      gaps = true;
      break;
    }
  if (isNDArray(column)) return gaps ? nestedWithNulls(column, rows) : takeArrayRows(column, rows);
  if (isTypedArray(column)) {
    const float = column instanceof Float64Array || column instanceof Float32Array;
    if (!gaps || float) return takeTyped(column, rows, float);
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = rows[i] < 0 ? Number.NaN : Number(column[rows[i]]);
    return out;
  }
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i] < 0 ? null : column[rows[i]];
  return out;
}

function takeFloat64(column: Float64Array, rows: Int32Array): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n);
  // A fast stream aligned onto a slow one takes the same reading for long runs of rows: a run is one fill.
  for (let i = 0; i < n; ) {
    const row = rows[i];
    let end = i + 1;
    while (end < n && rows[end] === row) end++;
    const value = row < 0 ? Number.NaN : column[row];
    if (end - i > 8) out.fill(value, i, end);
    else for (let k = i; k < end; k++) out[k] = value;
    i = end;
  }
  return out;
}

function takeTyped(column: TypedArray, rows: Int32Array, float: boolean): TypedArray {
  const Class = column.constructor as new (length: number) => TypedArray;
  const out = new Class(rows.length) as { [i: number]: unknown };
  for (let i = 0; i < rows.length; i++) out[i] = rows[i] < 0 && float ? Number.NaN : column[rows[i]];
  return out as TypedArray;
}

function takeArrayRows(column: NDArray, rows: Int32Array): NDArray {
  const rowShape = column.shape.slice(1);
  const size = elementCount(rowShape);
  const source = column.data;
  if (isTypedArray(source)) {
    const Class = source.constructor as new (length: number) => TypedArray;
    const out = new Class(rows.length * size);
    for (let i = 0; i < rows.length; i++)
      out.set(source.subarray(rows[i] * size, rows[i] * size + size) as never, i * size);
    return { shape: [rows.length, ...rowShape], dtype: column.dtype, data: out };
  }
  const out: unknown[] = [];
  for (const row of rows) for (let k = 0; k < size; k++) out.push(source[row * size + k]);
  return { shape: [rows.length, ...rowShape], dtype: column.dtype, data: out };
}

function nestedWithNulls(column: NDArray, rows: Int32Array): unknown[] {
  return Array.from(rows, (row) => (row < 0 ? null : cellValue(column, row)));
}

/** A column of `length` gaps, for a field a table does not have (float64 NaN: the type nobody declared). */
export function missingColumn(length: number): Column {
  return new Float64Array(length).fill(Number.NaN);
}

/** The column as float64 numbers (NaN for a missing or non-numeric value), for arithmetic. */
export function asFloat64(column: Column): Float64Array {
  if (column instanceof Float64Array) return column;
  if (isNDArray(column)) throw new TypeError("array rows are not numbers");
  const out = new Float64Array(columnLength(column));
  for (let i = 0; i < out.length; i++) {
    const value = column[i];
    out[i] = typeof value === "number" || typeof value === "bigint" ? Number(value) : Number.NaN;
  }
  return out;
}

/**
 * A column built from one picked cell per output row (`present[i]` false: a gap), shaped like `template`
 * by the rules above: its typed class when nothing is missing, else the promotion a gap brings.
 */
export function columnFromCells(template: Column, cells: readonly unknown[], present: Uint8Array): Column {
  const gaps = present.includes(0);
  if (isTypedArray(template)) {
    const float = template instanceof Float64Array || template instanceof Float32Array;
    if (gaps && !float)
      return Float64Array.from(cells, (cell, i) => (present[i] ? Number(cell) : Number.NaN));
    const Class = template.constructor as new (length: number) => TypedArray;
    const out = new Class(cells.length) as { [i: number]: unknown };
    for (let i = 0; i < cells.length; i++) out[i] = present[i] ? cells[i] : Number.NaN;
    return out as TypedArray;
  }
  return cells.map((cell, i) => (present[i] ? cell : null));
}
