// The order listings of runs come in, as the in-memory stores and the federation of catalogs compute it (the
// SQL stores compile the same rule): each sort key's value compared by compareValues, ties by uid's code points.
import { compareCodePoints, compareValues } from "../queries/compareValues.ts";
import { type RunMetadata, valueAt } from "../queries/matches.ts";
import type { SortKey } from "./SortKey.ts";

/** The default order of listings: newest first (ties by uid ascending). */
export const DEFAULT_SORT: readonly SortKey[] = [{ key: "time", direction: "desc" }];

/** Compares two runs (their metadata and uid) by `sort`, then by uid. */
export function compareRuns(
  a: { uid: string; metadata: RunMetadata },
  b: { uid: string; metadata: RunMetadata },
  sort: readonly SortKey[] = DEFAULT_SORT,
): number {
  for (const { key, direction } of sort) {
    const order = compareValues(valueAt(a.metadata, key), valueAt(b.metadata, key));
    if (order !== 0) return direction === "desc" ? -order : order;
  }
  return compareCodePoints(a.uid, b.uid);
}
