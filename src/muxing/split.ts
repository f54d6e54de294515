// split: a stream cut into segments of consecutive rows — each run of equal values of a field (a scan's
// "set point" or "sample" changing), or each run of rows a condition holds for (rows it fails are left out).
// Equal means the same value: NaN equals NaN and absent equals absent (a run of gaps is one segment, where
// pandas' `s != s.shift()` would start one per NaN); array cells are equal when their elements are.
import { cellValue } from "../tables/Column.ts";
import type { Table } from "../tables/Table.ts";
import { tableRows } from "./rows.ts";

export type SplitRule =
  | { by: string }
  | { where: (row: Readonly<Record<string, unknown>>, index: number) => boolean };

/** The segments of `table`, in order, each a Table of consecutive rows (storage shared where possible). */
export function split(table: Table, rule: SplitRule): Table[] {
  const segments: Table[] = [];
  if ("by" in rule) {
    const column = table.column(rule.by);
    let start = 0;
    for (let row = 1; row <= table.length; row++) {
      if (row === table.length || !sameCell(cellValue(column, row - 1), cellValue(column, row))) {
        segments.push(tableRows(table, start, row));
        start = row;
      }
    }
    return segments;
  }
  const names = table.columnNames;
  let start = -1;
  for (let row = 0; row <= table.length; row++) {
    let holds = false;
    if (row < table.length) {
      const record: Record<string, unknown> = {};
      for (const name of names) record[name] = cellValue(table.columns[name], row);
      holds = rule.where(record, row);
    }
    if (holds && start < 0) start = row;
    if (!holds && start >= 0) {
      segments.push(tableRows(table, start, row));
      start = -1;
    }
  }
  return segments;
}

function sameCell(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || a === b) return true;
  const missing = (value: unknown) => value === null || value === undefined || Number.isNaN(value);
  if (missing(a) && missing(b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameCell(x, b[i]));
  return false;
}
