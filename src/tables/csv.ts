// A Table as CSV text (RFC 4180): a header line of column names, one record per row, CRLF line ends,
// and a field quoted (quotes doubled) when it holds a comma, quote, CR or LF. Array cells are JSON text.
import { cellValue } from "./Column.ts";
import { jsonSafe } from "./jsonColumns.ts";
import type { Table } from "./Table.ts";

const NEEDS_QUOTES = /[",\r\n]/;

/** One field's text: empty for null, `true`/`false`, numbers as JS prints them (NaN, Infinity). */
function fieldText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  return JSON.stringify(jsonSafe(value));
}

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function tableToCSV(table: Table): string {
  const names = Object.keys(table.columns);
  const lines = [names.map(quote).join(",")];
  const columns = names.map((name) => table.columns[name]);
  for (let row = 0; row < table.length; row++) {
    lines.push(columns.map((column) => quote(fieldText(cellValue(column, row)))).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
