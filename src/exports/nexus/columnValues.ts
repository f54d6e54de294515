// A Table column as the NeXus writer takes it: numbers in a typed array with the shape of one event's
// value, or loose values (strings, objects, ragged arrays) kept as they are.
import { type Column, rowOf } from "../../tables/Column.ts";
import { type DType, dtypeOfTypedArray, isTypedArray, type TypedArray } from "../../tables/DType.ts";
import { isNDArray, toNested } from "../../tables/NDArray.ts";

export type ColumnValues =
  | { kind: "numbers"; dtype: DType; rowShape: number[]; data: TypedArray; rows: number }
  | { kind: "values"; values: unknown[] };

/** The column's values; booleans become uint8 (0/1) and numbers with gaps float64 with NaN. */
export function columnValues(column: Column): ColumnValues {
  if (isNDArray(column)) {
    const rows = column.shape[0] ?? 0;
    if (isTypedArray(column.data))
      return {
        kind: "numbers",
        dtype: column.dtype,
        rowShape: column.shape.slice(1),
        data: column.data,
        rows,
      };
    const values: unknown[] = [];
    for (let row = 0; row < rows; row++) values.push(toNested(rowOf(column, row)));
    return { kind: "values", values };
  }
  if (isTypedArray(column))
    return {
      kind: "numbers",
      dtype: dtypeOfTypedArray(column),
      rowShape: [],
      data: column,
      rows: column.length,
    };
  if (column.every((value) => typeof value === "boolean" || value === null || value === undefined))
    if (column.some((value) => typeof value === "boolean"))
      return {
        kind: "numbers",
        dtype: "bool",
        rowShape: [],
        data: Uint8Array.from(column, (value) => (value ? 1 : 0)),
        rows: column.length,
      };
  if (column.every((value) => typeof value === "number" || value === null || value === undefined))
    if (column.some((value) => typeof value === "number"))
      return {
        kind: "numbers",
        dtype: "float64",
        rowShape: [],
        data: Float64Array.from(column, (value) => (typeof value === "number" ? value : Number.NaN)),
        rows: column.length,
      };
  return { kind: "values", values: column };
}

/** The values of a numbers column one per row (nested lists for array rows), for a text dataset. */
export function numbersAsValues(numbers: Extract<ColumnValues, { kind: "numbers" }>): unknown[] {
  const values: unknown[] = [];
  const shape = [numbers.rows, ...numbers.rowShape];
  for (let row = 0; row < numbers.rows; row++) {
    const cell = rowOf({ shape, dtype: numbers.dtype, data: numbers.data }, row);
    const value = cell.shape.length === 0 ? cell.data[0] : toNested(cell);
    values.push(typeof value === "bigint" ? Number(value) : value);
  }
  return values;
}
