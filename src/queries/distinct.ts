// Distinct values of one key over the runs of a search, with how many runs hold each: the grouping rules
// and the order every adapter returns (values in compareValues order, ties by JSON text), defined once.
import { isTagsKey } from "./annotationKeys.ts";
import { compareCodePoints, compareValues } from "./compareValues.ts";
import { distinctStatOf, distinctStatValue } from "./dataKey.ts";
import { type RunMetadata, valuesAt } from "./matches.ts";
import type { QueryKey, QueryValue } from "./Query.ts";

/**
 * One distinct value and the number of runs holding it. Runs without the key are not counted; a JSON null
 * is a value. Values group by JSON equality (as Eq compares); a run whose descriptors hold one value
 * several times counts once.
 */
export interface DistinctValue {
  value: QueryValue;
  count: number;
}

export function sortDistinct(values: DistinctValue[]): DistinctValue[] {
  return values.sort(
    (a, b) =>
      compareValues(a.value, b.value) || compareCodePoints(JSON.stringify(a.value), JSON.stringify(b.value)),
  );
}

/**
 * Distinct values evaluated in memory over runs already filtered by the query. `tags` counts each tag (how
 * many runs carry it), not each annotation's list of tags; a statistic's key (`primary.img.shape`) lists its
 * value per run (dataKey.ts distinctStatOf).
 */
export function distinctValues(runs: Iterable<RunMetadata>, key: QueryKey): DistinctValue[] {
  const found = new Map<string, DistinctValue>();
  const perTag = isTagsKey(key);
  const stat = distinctStatOf(key);
  for (const run of runs) {
    const seen = new Set<string>();
    const values = stat ? [distinctStatValue(run, stat)] : valuesAt(run, key);
    for (const value of perTag ? values.flatMap((tags) => (Array.isArray(tags) ? tags : [])) : values) {
      if (value === undefined) continue;
      const text = JSON.stringify(value);
      if (seen.has(text)) continue;
      seen.add(text);
      const entry = found.get(text);
      if (entry) entry.count++;
      else found.set(text, { value: value as QueryValue, count: 1 });
    }
  }
  return sortDistinct([...found.values()]);
}
