// ORDER BY for a search's sort keys, in the one order of queries/compareValues.ts: absent and null first, then
// numbers and booleans (as 1 and 0) by value, then strings, arrays and objects by their JSON text's code
// points; ties broken by uid. The default, newest first, reads the runs_time index.
import type { SortKey } from "../../catalog/SortKey.ts";
import { parseKey } from "../../queries/keyPath.ts";
import { runDocument, runTime, valueAt } from "./jsonPaths.ts";
import type { SqlParams } from "./sqlParams.ts";

export const NEWEST_FIRST: SortKey[] = [{ key: "time", direction: "desc" }];

function keyOrder(alias: string, { key, direction }: SortKey, params: SqlParams): string[] {
  const order = direction === "desc" ? "DESC" : "ASC";
  // A start time is always a number (the schema requires it): its index expression sorts it alone.
  if (key === "time" || key === "start.time")
    return [`${runTime(alias)} ${order} ${direction === "desc" ? "NULLS LAST" : "NULLS FIRST"}`];
  const { document, segments } = parseKey(key);
  const value = valueAt(runDocument(alias, document), segments, params);
  const type = `jsonb_typeof(${value.jsonb})`;
  const rank = `(CASE ${type} WHEN 'number' THEN 1 WHEN 'boolean' THEN 1 WHEN 'string' THEN 2 WHEN 'array' THEN 2 WHEN 'object' THEN 2 ELSE 0 END)`;
  const number = `(CASE ${type} WHEN 'number' THEN (${value.jsonb})::float8 WHEN 'boolean' THEN (CASE WHEN (${value.jsonb})::boolean THEN 1 ELSE 0 END) END)`;
  const text = `(CASE ${type} WHEN 'string' THEN ${value.jsonb} #>> '{}' WHEN 'array' THEN (${value.json})::text WHEN 'object' THEN (${value.json})::text END) COLLATE "C"`;
  return [`${rank} ${order}`, `${number} ${order}`, `${text} ${order}`];
}

/** The ORDER BY list (without the keyword) for `sort` over the runs row `alias`. */
export function orderBy(alias: string, sort: SortKey[] | undefined, params: SqlParams): string {
  return [...(sort ?? NEWEST_FIRST).flatMap((key) => keyOrder(alias, key, params)), `${alias}.uid ASC`].join(
    ", ",
  );
}
