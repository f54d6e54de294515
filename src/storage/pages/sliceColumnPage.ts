// Narrows a column page to the events whose seq_num lies in a half-open range, without touching values
// outside it: a contiguous run of rows becomes subarray views, anything else a gather.
import type { SeqRange } from "../../catalog/SeqRange.ts";
import type { ColumnPage, PageColumn } from "../ColumnPage.ts";

function rowsInRange(seq: Float64Array, range: SeqRange): number[] {
  const from = range.from ?? Number.NEGATIVE_INFINITY;
  const to = range.to ?? Number.POSITIVE_INFINITY;
  const rows: number[] = [];
  for (let row = 0; row < seq.length; row++) if (seq[row] >= from && seq[row] < to) rows.push(row);
  return rows;
}

function takeRows(column: PageColumn, rows: number[], contiguous: boolean): PageColumn {
  const shape = [rows.length, ...column.shape.slice(1)];
  if (column.encoding === "values")
    return { encoding: "values", shape, values: rows.map((row) => column.values[row]) };
  let size = 1;
  for (const extent of column.shape.slice(1)) size *= extent;
  if (contiguous) {
    const start = (rows[0] ?? 0) * size;
    return { encoding: "float64", shape, values: column.values.subarray(start, start + rows.length * size) };
  }
  const values = new Float64Array(rows.length * size);
  rows.forEach((row, i) => {
    values.set(column.values.subarray(row * size, (row + 1) * size), i * size);
  });
  return { encoding: "float64", shape, values };
}

function takeAll(
  columns: Record<string, PageColumn>,
  rows: number[],
  contiguous: boolean,
): Record<string, PageColumn> {
  const out: Record<string, PageColumn> = {};
  for (const key in columns) out[key] = takeRows(columns[key], rows, contiguous);
  return out;
}

/** The page's events within `range`, or undefined when none is. */
export function sliceColumnPage(page: ColumnPage, range: SeqRange | undefined): ColumnPage | undefined {
  if (!range || (range.from === undefined && range.to === undefined)) return page;
  const rows = rowsInRange(page.seq_num, range);
  if (rows.length === page.length) return page;
  if (rows.length === 0) return undefined;
  const contiguous = rows[rows.length - 1] - rows[0] === rows.length - 1;
  const pick = (values: Float64Array) =>
    contiguous
      ? values.subarray(rows[0], rows[0] + rows.length)
      : Float64Array.from(rows, (row) => values[row]);
  const uids = page.uid;
  return {
    descriptor: page.descriptor,
    length: rows.length,
    ...(uids && { uid: rows.map((row) => uids[row]) }),
    seq_num: pick(page.seq_num),
    time: pick(page.time),
    data: takeAll(page.data, rows, contiguous),
    timestamps: takeAll(page.timestamps, rows, contiguous),
    filled: takeAll(page.filled, rows, contiguous),
  };
}
