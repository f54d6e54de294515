// The statistics of a column of filled values (a chunk of a stream read with `fill`), computed by the very
// functions ingest uses (storage/ingest/fieldStats.ts): what `databroker index` stores for external fields
// is what ingest would have stored had the events carried the arrays themselves.
import type { FieldStats } from "../queries/fieldStats.ts";
import { encodeColumn } from "../storage/codec/columnCodec.ts";
import { columnStats, numberStats } from "../storage/ingest/fieldStats.ts";
import type { Column } from "../tables/Column.ts";
import { isTypedArray, type TypedArray } from "../tables/DType.ts";
import { isNDArray, toNested } from "../tables/NDArray.ts";

/** The numbers as float64, as ingest keeps them (64-bit integers through Number, as their JSON would be). */
function asFloat64(data: TypedArray): Float64Array {
  if (data instanceof Float64Array) return data;
  return Float64Array.from(data as ArrayLike<number | bigint>, Number);
}

/** Statistics of `rows` events' values in `column`. */
export function filledColumnStats(column: Column, rows: number): FieldStats {
  if (isNDArray(column) && isTypedArray(column.data))
    return numberStats(asFloat64(column.data), rows, column.shape.slice(1));
  if (isTypedArray(column)) return numberStats(asFloat64(column), rows, []);
  // Ragged arrays: one array per row, read one by one as ingest reads a column of nested values.
  const values = ((isNDArray(column) ? column.data : column) as unknown[]).map((value) =>
    isNDArray(value) ? toNested(value) : value,
  );
  return columnStats(encodeColumn(values), values);
}
