// The order of a listing of runs: SortKeys as stores take them, or a SortSpec as users give it (keys, or
// text such as `plan_name,-scan_id` that broker/sortKeys.ts reads).
import type { QueryKey } from "../queries/Query.ts";

export interface SortKey {
  key: QueryKey;
  direction: "asc" | "desc";
}

export type SortSpec = readonly SortKey[] | string;
