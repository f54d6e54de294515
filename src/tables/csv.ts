// A Table as CSV text (RFC 4180): a header line of column names, one record per row, CRLF line ends,
// and a field quoted (quotes doubled) when it holds a comma, quote, CR or LF. Array cells are JSON text.
// Whole numbers of float columns are written `1.0`, so pandas reads the column as float, as it went in.
import { floatText } from "../documents/floatMarks.ts";
import { type Column, cellValue, columnDType } from "./Column.ts";
import { isFloat, isTypedArray } from "./DType.ts";
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

/** The text of each row's cell of `column`: numbers in typed storage go straight to text (no quoting needed). */
function cellTexts(column: Column): (row: number) => string {
  const dtype = columnDType(column);
  const float = isFloat(dtype);
  if (isTypedArray(column) && dtype !== "bool") {
    const data = column as ArrayLike<number | bigint>;
    return float ? (row) => floatText(data[row] as number) : (row) => String(data[row]);
  }
  return (row) => quote(fieldText(cellValue(column, row), float));
}

/** The table as CSV; `header: false` leaves out the names line (a later chunk of one file). */
export function tableToCSV(table: Table, { header = true }: { header?: boolean } = {}): string {
  const names = Object.keys(table.columns);
  const texts = names.map((name) => cellTexts(table.columns[name]));
  let out = header ? `${names.map(quote).join(",")}\r\n` : "";
  for (let row = 0; row < table.length; row++) {
    let line = texts[0]?.(row) ?? "";
    for (let i = 1; i < texts.length; i++) line += `,${texts[i](row)}`;
    out += `${line}\r\n`;
  }
  return out;
}
