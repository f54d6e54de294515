// One named column of a Table: a typed array (numbers), a plain array (strings, booleans, anything),
// or an NDArray of shape [rows, ...rowShape] when every row holds an array of the same shape.
import { type DType, dtypeOfTypedArray, inferDType, isTypedArray, type TypedArray } from "./DType.ts";
import { elementCount, isNDArray, type NDArray, toNested } from "./NDArray.ts";

export type Column = TypedArray | unknown[] | NDArray;

/** Number of rows in a column. */
export function columnLength(column: Column): number {
  return isNDArray(column) ? (column.shape[0] ?? 1) : column.length;
}

/** Element dtype of a column; for plain arrays it is inferred from the values (see inferDType). */
export function columnDType(column: Column): DType {
  if (isNDArray(column)) return column.dtype;
  if (isTypedArray(column)) return dtypeOfTypedArray(column);
  return inferDType(column);
}

/** Row `row` of an NDArray column, sharing its storage where the storage allows. */
export function rowOf(column: NDArray, row: number): NDArray {
  const shape = column.shape.slice(1);
  const size = elementCount(shape);
  const start = row * size;
  const data = isTypedArray(column.data)
    ? column.data.subarray(start, start + size)
    : column.data.slice(start, start + size);
  return { shape, dtype: column.dtype, data };
}

/** The value of one cell: a number/bigint/string/boolean, or nested lists for array rows. */
export function cellValue(column: Column, row: number): unknown {
  if (isNDArray(column)) return toNested(rowOf(column, row));
  return column[row];
}
