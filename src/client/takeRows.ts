// Rows of a column or a table picked by index, keeping the column's kind (typed array, plain array or
// NDArray): how a seq range or a chunk is cut from a table the server sent whole.
import type { Column } from "../tables/Column.ts";
import { isTypedArray, type TypedArray } from "../tables/DType.ts";
import { elementCount, isNDArray, type NDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";

function takeFlat<T extends TypedArray | unknown[]>(data: T, rows: readonly number[], size: number): T {
  const out = (
    isTypedArray(data)
      ? new (data.constructor as new (n: number) => TypedArray)(rows.length * size)
      : new Array<unknown>(rows.length * size)
  ) as T;
  rows.forEach((row, i) => {
    for (let j = 0; j < size; j++) (out as unknown[])[i * size + j] = (data as unknown[])[row * size + j];
  });
  return out;
}

export function takeColumn(column: Column, rows: readonly number[]): Column {
  if (isNDArray(column)) {
    const inner = column.shape.slice(1);
    const taken: NDArray = {
      shape: [rows.length, ...inner],
      dtype: column.dtype,
      data: takeFlat(column.data, rows, elementCount(inner)),
    };
    return taken;
  }
  return takeFlat(column, rows, 1);
}

/** Whether the rows are every row of a table of `length`, in order (then nothing needs copying). */
function everyRow(rows: readonly number[], length: number): boolean {
  return rows.length === length && rows.every((row, i) => row === i);
}

export function takeRows(table: Table, rows: readonly number[]): Table {
  if (everyRow(rows, table.length)) return table;
  const columns: Record<string, Column> = {};
  for (const name of table.columnNames) columns[name] = takeColumn(table.column(name), rows);
  return new Table(columns, rows.length);
}
