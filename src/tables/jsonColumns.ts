// A Table as one JSON object of columns, `{"col": [...]}`, the shape the CLI and HTTP `json` format use.
// JSON has no NaN, Infinity or bigint: NaN and ±Infinity become null, int64/uint64 become numbers
// (exact up to 2^53), per-row arrays become nested lists, bool columns become true/false. Float columns are
// marked (floatMarks.ts), so their whole numbers are written 1.0 and Python reads floats, as went in.
import { markFloat } from "../documents/floatMarks.ts";
import { stringifyStandardJson } from "../documents/formats/jsonText.ts";
import { columnDType } from "./Column.ts";
import { isFloat, isTypedArray } from "./DType.ts";
import { isNDArray, toNested } from "./NDArray.ts";
import type { Table } from "./Table.ts";

/** Converts any cell or nested value to what JSON can carry (see the module comment). */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (isTypedArray(value)) return Array.from(value as ArrayLike<unknown>, jsonSafe);
  if (isNDArray(value)) return jsonSafe(toNested(value));
  return value;
}

export function tableToJSONColumns(table: Table): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [name, column] of Object.entries(table.columns)) {
    if (isNDArray(column)) {
      const nested = toNested(column);
      out[name] = jsonSafe(Array.isArray(nested) ? nested : [nested]) as unknown[];
    } else {
      out[name] = jsonSafe(column) as unknown[];
    }
    if (isFloat(columnDType(column))) markFloat(out, name);
  }
  return out;
}

/** JSON text of the table's columns, float columns' whole numbers written 1.0. */
export function tableToJSONText(table: Table): string {
  return stringifyStandardJson(tableToJSONColumns(table), jsonSafe);
}

/** JSON text of any value, its numbers all written as floats when `floats` (an array of a float dtype). */
export function jsonSafeText(value: unknown, floats = false): string {
  return stringifyStandardJson(value, jsonSafe, floats);
}
