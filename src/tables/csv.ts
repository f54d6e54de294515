// A Table as CSV text (RFC 4180): a header line of column names, one record per row, CRLF line ends,
// and a field quoted (quotes doubled) when it holds a comma, quote, CR or LF. Array cells are JSON text.
// Whole numbers of float columns are written `1.0`, so pandas reads the column as float, as it went in.
import { floatText } from "../documents/floatMarks.ts";
import { cellValue, columnDType } from "./Column.ts";
import { isFloat } from "./DType.ts";
import { jsonSafe } from "./jsonColumns.ts";
import type { Table } from "./Table.ts";

const NEEDS_QUOTES = /[",\r\n]/;

/** One field's text: empty for null, `true`/`false`, numbers as JS prints them (NaN, Infinity). */
function fieldText(value: unknown, float: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return float ? floatText(value) : String(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(jsonSafe(value));
}

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table as CSV; `header: false` leaves out the names line (a later chunk of one file). */
export function tableToCSV(table: Table, { header = true }: { header?: boolean } = {}): string {
  const names = Object.keys(table.columns);
  const lines = header ? [names.map(quote).join(",")] : [];
  const columns = names.map((name) => table.columns[name]);
  const floats = columns.map((column) => isFloat(columnDType(column)));
  for (let row = 0; row < table.length; row++) {
    lines.push(columns.map((column, i) => quote(fieldText(cellValue(column, row), floats[i]))).join(","));
  }
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
}
