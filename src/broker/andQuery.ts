// Narrowing a search: the conjunction of the current scope and one more query, kept flat and without `all`.
import type { Query } from "../queries/Query.ts";

export function andQuery(scope: Query, more: Query): Query {
  if (scope.op === "all") return more;
  if (more.op === "all") return scope;
  const parts = (query: Query) => (query.op === "and" ? query.queries : [query]);
  return { op: "and", queries: [...parts(scope), ...parts(more)] };
}
