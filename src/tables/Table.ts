// A table of named, equally long columns (typed arrays where the dtype allows), as a stream reads it, and
// its rows. Its other forms are free functions of their own modules (csv.ts, jsonColumns.ts, arrow.ts), so
// that only code which converts to or from Apache Arrow loads that package.
import { NotFoundError, ValidationError } from "../errors.ts";
import { type Column, cellValue, columnDType, columnLength } from "./Column.ts";
import type { DType } from "./DType.ts";

export class Table {
  readonly columns: Record<string, Column>;
  readonly length: number;

  /** `length` is needed only for a table without columns; otherwise the columns must all agree. */
  constructor(columns: Record<string, Column>, length?: number) {
    const lengths = Object.entries(columns).map(([name, column]) => [name, columnLength(column)] as const);
    const expected = length ?? lengths[0]?.[1] ?? 0;
    for (const [name, n] of lengths) {
      if (n !== expected) {
        throw new ValidationError(`column "${name}" has ${n} rows, expected ${expected}`);
      }
    }
    this.columns = columns;
    this.length = expected;
  }

  get columnNames(): string[] {
    return Object.keys(this.columns);
  }

  column(name: string): Column {
    const column = this.columns[name];
    if (column === undefined) {
      throw new NotFoundError(`no column "${name}"; columns are: ${this.columnNames.join(", ")}`);
    }
    return column;
  }

  dtype(name: string): DType {
    return columnDType(this.column(name));
  }

  /** A table of the named columns, in the order given (storage shared). */
  select(names: readonly string[]): Table {
    return new Table(Object.fromEntries(names.map((name) => [name, this.column(name)])), this.length);
  }

  /** One object per row; array cells as nested lists, int64 as bigint. */
  toRows(): Array<Record<string, unknown>> {
    const names = this.columnNames;
    const rows: Array<Record<string, unknown>> = [];
    for (let row = 0; row < this.length; row++) {
      const record: Record<string, unknown> = {};
      for (const name of names) record[name] = cellValue(this.columns[name], row);
      rows.push(record);
    }
    return rows;
  }
}
