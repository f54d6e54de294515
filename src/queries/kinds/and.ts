// The and kind: every part holds. Written `a and b`; Tiled's filters are all ANDed, so it has no filter of
// its own. Its parts are the scopes duplicate rules resolve within (see duplicateRules.ts).
import { partScopes } from "../duplicateRules.ts";
import { queryList } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { Query } from "../Query.ts";
import type { QueryKind } from "./QueryKind.ts";

export interface And {
  op: "and";
  queries: Query[];
}

export const andQuery = (queries: Query[]): And => ({ op: "and", queries });

export const andKind: QueryKind<And> = {
  op: "and",
  fields: { queries: queryList },
  canonical: (query, nested) => andQuery(Object.freeze(query.queries.map(nested)) as Query[]),
  format: (query, text) => {
    const joined = query.queries.map((part) => text.part(part, "and")).join(" and ");
    return text.place === "and" || text.place === "not" ? `(${joined})` : joined;
  },
};

export const matchAnd: MemoryTranslation<And> = (query, context) => {
  const scopes = partScopes(query, context.scope);
  const parts = query.queries.map((part, index) => context.compile(part, scopes[index]));
  return (run) => parts.every((part) => part(run));
};
