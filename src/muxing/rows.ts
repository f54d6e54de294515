// Row ranges and row picks of a Table, shared by the muxing operations that cut tables or build them
// from pieces: a range shares storage where the storage allows.
import type { Column } from "../tables/Column.ts";
import { isTypedArray } from "../tables/DType.ts";
import { elementCount, isNDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";

/** Rows [from, to) of a column (typed arrays and NDArrays share storage). */
export function columnRows(column: Column, from: number, to: number): Column {
  if (isNDArray(column)) {
    const size = elementCount(column.shape.slice(1));
    const data = isTypedArray(column.data)
      ? column.data.subarray(from * size, to * size)
      : column.data.slice(from * size, to * size);
    return { shape: [to - from, ...column.shape.slice(1)], dtype: column.dtype, data };
  }
  return isTypedArray(column) ? column.subarray(from, to) : column.slice(from, to);
}

/** Rows [from, to) of a table. */
export function tableRows(table: Table, from: number, to: number): Table {
  const columns: Record<string, Column> = {};
  for (const [name, column] of Object.entries(table.columns)) columns[name] = columnRows(column, from, to);
  return new Table(columns, to - from);
}
