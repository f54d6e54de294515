// Every column of a page (event_page, datum_page, bulk_datum) holds one value per row of the page; a column
// of another length is a `page-length` finding.
import type { RunFindings } from "./RunFindings.ts";

/** The column at `path` of page `i`, when it is an array, has the page's number of rows. */
export function checkColumnLength(
  findings: RunFindings,
  i: number,
  name: string,
  rows: number,
  path: string,
  column: unknown,
): void {
  if (Array.isArray(column) && column.length !== rows) {
    const message = `${column.length} values for a page of ${rows} rows`;
    findings.report({ doc_index: i, name, path, rule: "page-length", message, severity: "error" });
  }
}

/** `checkColumnLength` for each column of `columns`, their paths `prefix` + key. */
export function checkColumnLengths(
  findings: RunFindings,
  i: number,
  name: string,
  rows: number,
  prefix: string,
  columns: Record<string, unknown>,
): void {
  for (const key in columns) {
    const column = columns[key];
    if (Array.isArray(column) && column.length !== rows)
      checkColumnLength(findings, i, name, rows, `${prefix}${key}`, column);
  }
}
