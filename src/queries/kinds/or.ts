// The or kind: some part holds. Written `a or b`; Tiled has no form for it.
import { queryList } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { Query } from "../Query.ts";
import type { QueryKind } from "./QueryKind.ts";

export interface Or {
  op: "or";
  queries: Query[];
}

export const orQuery = (queries: Query[]): Or => ({ op: "or", queries });

export const orKind: QueryKind<Or> = {
  op: "or",
  fields: { queries: queryList },
  canonical: (query, nested) => orQuery(Object.freeze(query.queries.map(nested)) as Query[]),
  format: (query, text) => {
    const joined = query.queries.map((part) => text.part(part, "or")).join(" or ");
    return text.place === "top" ? joined : `(${joined})`;
  },
};

export const matchOr: MemoryTranslation<Or> = (query, context) => {
  const parts = query.queries.map((part) => context.compile(part, context.scope));
  return (run) => parts.some((part) => part(run));
};
