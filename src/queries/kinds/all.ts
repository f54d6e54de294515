// The all kind: every run. Written `*` in the query language; Tiled has no filter for it (no filter at all
// is every run).
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

/** Every run. */
export interface All {
  op: "all";
}

export const allQuery = (): All => ({ op: "all" });

export const allKind: QueryKind<All> = {
  op: "all",
  fields: {},
  format: () => "*",
};

export const matchAll: MemoryTranslation<All> = () => () => true;
