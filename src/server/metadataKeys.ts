// Metadata keys as Tiled clients write them (`start.plan_name`, `metadata.start.scan_id`, `stop.exit_status`)
// turned into the query layer's keys, and the `sort` parameter of run listings.
import type { SortKey } from "../catalog/SortKey.ts";
import { ValidationError } from "../errors.ts";
import { queryFromTiledParams } from "../queries/index.ts";
import type { QueryKey } from "../queries/Query.ts";
import { BadRequestError } from "./errors.ts";

/**
 * A Tiled metadata path as our query key. The query layer owns the `start.` rule (it decodes the `key`
 * field of every filter), so the key is read through a keypresent filter rather than a second copy of it.
 */
export function queryKeyOf(tiledKey: string): QueryKey {
  const path = tiledKey.startsWith("metadata.") ? tiledKey.slice("metadata.".length) : tiledKey;
  if (path === "") throw new ValidationError("a metadata key is empty");
  const query = queryFromTiledParams([["filter[keypresent][condition][key]", path]]);
  if (query.op !== "keyPresent")
    throw new ValidationError(`${JSON.stringify(tiledKey)} is not a metadata key`);
  return query.key;
}

/** The catalog's advertised order: start time ascending (ties by uid, which the store adds). */
export const CATALOG_SORTING = [{ key: "time", direction: 1 }] as const;

/**
 * The `sort` values of a run listing as sort keys. `""` is the default order (start time), `-` its reverse;
 * `_` (insertion order) reads as time too; `id` is the run's uid; `+k`/`k` ascending, `-k` descending.
 */
export function runSortOf(values: readonly string[]): SortKey[] {
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const raw of values) {
    const text = raw.trim();
    if (text === "") continue;
    const descending = text.startsWith("-");
    const name = descending || text.startsWith("+") ? text.slice(1) : text;
    const key =
      name === "" || name === "_" || name === "time" ? "time" : name === "id" ? "uid" : queryKeyOf(name);
    if (seen.has(key)) throw new BadRequestError(`sort names ${JSON.stringify(key)} twice`);
    seen.add(key);
    keys.push({ key, direction: descending ? "desc" : "asc" });
  }
  return keys.length > 0 ? keys : [{ key: "time", direction: "asc" }];
}
