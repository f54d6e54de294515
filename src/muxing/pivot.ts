// pivot: an event holding a time series (array fields: a waveform, a trace, a spectrum with its axis) turned
// into a series of rows, one per element, and back.
//   explode: each row's arrays (the named fields, the same length within a row, any length across rows)
//     become that many rows; the other columns are repeated, and a column `element` (option) holds each
//     row's position in its array — pandas' df.explode([fields], ignore_index=True), except that an empty
//     array gives no row (pandas gives one row of NaN), so that implode gives the event back.
//   implode: consecutive rows with the same key (seq_num by default) become one row; the named fields become
//     arrays (an NDArray column when every group has the same length, nested lists when ragged), the other
//     columns take the group's first value — pandas' groupby(key, sort=False).agg(list) / first.
import { ValidationError } from "../errors.ts";
import { type Column, cellValue, columnDType } from "../tables/Column.ts";
import { fromValues, isNumeric, isTypedArray } from "../tables/DType.ts";
import { isNDArray, type NDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { takeRows } from "./missing.ts";

export interface ExplodeOptions {
  /** The column holding each row's position in its arrays (default "element"; null for none). */
  elementColumn?: string | null;
}

/** The array cells of a column as lists (typed elements kept as numbers/bigints). */
function arrayCells(table: Table, field: string): { cells: ArrayLike<unknown>[]; column: Column } {
  const column = table.column(field);
  const cells: ArrayLike<unknown>[] = [];
  for (let row = 0; row < table.length; row++) {
    if (isNDArray(column)) {
      const size = column.shape.length > 1 ? column.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
      if (column.shape.length !== 2)
        throw new ValidationError(
          `explode needs 1-D arrays: ${field} has rows of shape [${column.shape.slice(1).join(", ")}]`,
        );
      cells.push(
        (column.data as ArrayLike<unknown> & { slice(a: number, b: number): ArrayLike<unknown> }).slice(
          row * size,
          row * size + size,
        ),
      );
      continue;
    }
    const value = column[row];
    if (value === null || value === undefined) cells.push([]);
    else if (Array.isArray(value) || isTypedArray(value)) cells.push(value as ArrayLike<unknown>);
    else throw new ValidationError(`explode needs arrays: row ${row} of ${field} holds ${typeof value}`);
  }
  return { cells, column };
}

export function explode(table: Table, fields: readonly string[], options: ExplodeOptions = {}): Table {
  if (fields.length === 0) throw new ValidationError("explode needs at least one array field");
  const exploded = fields.map((field) => ({ field, ...arrayCells(table, field) }));
  const rows: number[] = [];
  const positions: number[] = [];
  for (let row = 0; row < table.length; row++) {
    const length = exploded[0].cells[row].length;
    for (const { field, cells } of exploded)
      if (cells[row].length !== length)
        throw new ValidationError(
          `explode needs equal lengths within a row: row ${row} has ${exploded[0].field} of ${length} and ${field} of ${cells[row].length}`,
        );
    for (let i = 0; i < length; i++) {
      rows.push(row);
      positions.push(i);
    }
  }
  const picks = Int32Array.from(rows);
  const columns: Record<string, Column> = {};
  const elementColumn = options.elementColumn === undefined ? "element" : options.elementColumn;
  for (const name of table.columnNames) {
    const own = exploded.find((each) => each.field === name);
    if (!own) {
      columns[name] = takeRows(table.column(name), picks);
      continue;
    }
    const values: unknown[] = [];
    for (const cell of own.cells) for (let i = 0; i < cell.length; i++) values.push(cell[i]);
    columns[name] = elementColumnOf(own.column, values);
  }
  if (elementColumn !== null) columns[elementColumn] = Int32Array.from(positions);
  return new Table(columns, picks.length);
}

/** One element per row, in the storage of the source's element dtype. */
function elementColumnOf(source: Column, values: unknown[]): Column {
  if (isNDArray(source)) return fromValues(source.dtype, values);
  const dtype = columnDType(source);
  return isNumeric(dtype) ? fromValues(dtype, values) : values;
}

export interface ImplodeOptions {
  /** The column whose runs of equal values make one row each (default "seq_num"). */
  by?: string;
  /** Drop this column (default "element", when present). */
  elementColumn?: string | null;
}

export function implode(table: Table, fields: readonly string[], options: ImplodeOptions = {}): Table {
  const by = table.column(options.by ?? "seq_num");
  const starts: number[] = [];
  for (let row = 0; row < table.length; row++)
    if (row === 0 || !Object.is(cellValue(by, row), cellValue(by, row - 1))) starts.push(row);
  const ends = [...starts.slice(1), table.length];
  const elementColumn = options.elementColumn === undefined ? "element" : options.elementColumn;
  const columns: Record<string, Column> = {};
  for (const name of table.columnNames) {
    if (name === elementColumn) continue;
    const column = table.column(name);
    columns[name] = fields.includes(name)
      ? grouped(column, starts, ends)
      : takeRows(column, Int32Array.from(starts));
  }
  return new Table(columns, starts.length);
}

/** Each group's values as one array: an NDArray when all groups are equally long, else nested lists. */
function grouped(column: Column, starts: number[], ends: number[]): Column {
  const lengths = starts.map((start, i) => ends[i] - start);
  const regular = lengths.every((length) => length === lengths[0]);
  if (regular && isTypedArray(column)) {
    const dtype = columnDType(column);
    const array: NDArray = { shape: [starts.length, lengths[0] ?? 0], dtype, data: column.slice() };
    return array;
  }
  return starts.map((start, i) => Array.from({ length: lengths[i] }, (_, k) => cellValue(column, start + k)));
}
