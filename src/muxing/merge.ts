// merge: several runs' tables (a series of scans) stacked into one, with a `run` column first naming the
// run each row came from — pandas.concat of the frames with the run inserted, ignore_index=True.
// Columns are the union, in order of first appearance. A column keeps its dtype when every table has it
// with the same storage; integers and floats of differing dtypes meet as float64; a table lacking a column
// contributes gaps and brings the promotion of missing.ts (even when it has no rows, as pandas does); array columns of one row shape and dtype join as one
// NDArray, and otherwise become nested lists.
import { type Column, cellValue, columnDType } from "../tables/Column.ts";
import { isFloat, isNumeric, isTypedArray, type TypedArray } from "../tables/DType.ts";
import { isNDArray, type NDArray } from "../tables/NDArray.ts";
import { concatenate } from "../tables/stack.ts";
import { Table } from "../tables/Table.ts";

export interface MergeOptions {
  /** The name of the column naming each row's run (default "run"). */
  runColumn?: string;
}

export function merge(
  parts: ReadonlyArray<{ run: string; table: Table }>,
  options: MergeOptions = {},
): Table {
  const runColumn = options.runColumn ?? "run";
  const total = parts.reduce((sum, part) => sum + part.table.length, 0);
  const runs: string[] = [];
  for (const part of parts) for (let i = 0; i < part.table.length; i++) runs.push(part.run);
  const names: string[] = [];
  for (const part of parts)
    for (const name of part.table.columnNames) if (!names.includes(name)) names.push(name);
  const columns: Record<string, Column> = { [runColumn]: runs };
  for (const name of names) {
    if (name === runColumn) continue;
    const pieces = parts.map((part) => ({
      column: part.table.columns[name] as Column | undefined,
      rows: part.table.length,
    }));
    columns[name] = joinColumn(pieces, total);
  }
  return new Table(columns, total);
}

function joinColumn(
  pieces: ReadonlyArray<{ column: Column | undefined; rows: number }>,
  total: number,
): Column {
  const present = pieces
    .filter((piece) => piece.column !== undefined && piece.rows > 0)
    .map((piece) => piece.column!);
  // As pandas.concat (1.5): a table lacking the column promotes it even when that table has no rows.
  const gaps = pieces.some((piece) => piece.column === undefined);
  const all = pieces.map((piece) => piece.column).filter((column) => column !== undefined);
  if (present.length === 0) return all[0] && !gaps ? all[0] : new Float64Array(total).fill(Number.NaN);
  if (present.every(isNDArray)) {
    const arrays = present as NDArray[];
    const shape = JSON.stringify(arrays[0].shape.slice(1));
    if (
      !gaps &&
      arrays.every((a) => a.dtype === arrays[0].dtype && JSON.stringify(a.shape.slice(1)) === shape)
    )
      return concatenate(arrays);
  }
  const typed = present.every((column) => isTypedArray(column) && columnDType(column) !== "bool");
  if (typed) {
    const first = present[0] as TypedArray;
    const sameClass = present.every((column) => column.constructor === first.constructor);
    const floats = present.every((column) => isFloat(columnDType(column)));
    const keep = sameClass && (!gaps || floats);
    if (keep || present.every((column) => isNumeric(columnDType(column)))) {
      const Class = (keep ? first.constructor : Float64Array) as new (length: number) => TypedArray;
      const out = new Class(total) as { [i: number]: unknown };
      let at = 0;
      for (const piece of pieces) {
        const column = piece.column as TypedArray | undefined;
        for (let i = 0; i < piece.rows; i++)
          out[at++] = column === undefined ? Number.NaN : keep ? column[i] : Number(column[i]);
      }
      return out as TypedArray;
    }
  }
  const out: unknown[] = [];
  for (const piece of pieces)
    for (let i = 0; i < piece.rows; i++)
      out.push(piece.column === undefined ? null : cellValue(piece.column, i));
  return out;
}
