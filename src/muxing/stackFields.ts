// stack: one array field of many events as a single n-d array of shape [events, ...each event's shape] (a
// detector's frames as one block), and unstack, its inverse: an n-d array as a field of one array per row.
// Events must agree in shape; a ragged field or a missing row is refused, naming the field and the row.
import { ValidationError } from "../errors.ts";
import type { Column } from "../tables/Column.ts";
import { isTypedArray } from "../tables/DType.ts";
import { fromNested, isNDArray, type NDArray, ndarray } from "../tables/NDArray.ts";
import { stack } from "../tables/stack.ts";
import { Table } from "../tables/Table.ts";

export function stackField(table: Table, field: string): NDArray {
  const column = table.column(field);
  if (isNDArray(column)) return column;
  if (isTypedArray(column)) return ndarray(column, [column.length]);
  const rows = column.map((value, row) => {
    if (value === null || value === undefined)
      throw new ValidationError(`cannot stack ${field}: row ${row} has no value`);
    try {
      return isNDArray(value) ? value : fromNested(value);
    } catch (error) {
      throw new ValidationError(`cannot stack ${field}: row ${row} is ragged (${(error as Error).message})`);
    }
  });
  try {
    return stack(rows);
  } catch (error) {
    throw new ValidationError(`cannot stack ${field}: ${(error as Error).message}`);
  }
}

/** The rows of `array` (its first axis) as a one-column table: the column is the NDArray itself. */
export function unstackField(array: NDArray, field: string): Table {
  if (array.shape.length === 0) throw new ValidationError(`cannot unstack ${field}: a scalar has no rows`);
  const column: Column = array;
  return new Table({ [field]: column }, array.shape[0]);
}
