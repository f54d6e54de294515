// The not kind: the part does not hold. Written `not a`; Tiled has no form for it (but for a negated
// keypresent, which tiledParams writes as keypresent with exists flipped).
import { subQuery } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { Query } from "../Query.ts";
import type { QueryKind } from "./QueryKind.ts";

export interface Not {
  op: "not";
  query: Query;
}

export const notQuery = (query: Query): Not => ({ op: "not", query });

export const notKind: QueryKind<Not> = {
  op: "not",
  fields: { query: subQuery },
  canonical: (query, nested) => notQuery(nested(query.query)),
  format: (query, text) => `not ${text.part(query.query, "not")}`,
};

export const matchNot: MemoryTranslation<Not> = (query, context) => {
  const inner = context.compile(query.query, context.scope);
  return (run) => !inner(run);
};
