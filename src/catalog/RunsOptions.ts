// Which page of runs, in which order, a listing gives: what `runs` and `page` take on the local Broker and
// the remote client alike.
import type { SortSpec } from "./SortKey.ts";

export interface RunsOptions {
  offset?: number;
  limit?: number;
  /**
   * Any metadata key; default newest first (`-time`), ties by uid; a search with fuzzy parts (`~"text"`)
   * lists the closest runs first by default (broker/rankedListing.ts).
   */
  sort?: SortSpec;
}
