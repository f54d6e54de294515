// Query values as users hold them: deep-frozen copies of the plain data, in canonical form (defaults filled
// in), carrying non-enumerable `and` / `or` / `not` methods for chaining. JSON.stringify and deep equality
// see only the plain data, so a built query equals the literal object it describes.
import type { And, Not, Or, Query } from "./Query.ts";

export interface Chainable {
  /** This query and the others; chaining onto an `and` extends it instead of nesting. */
  and(...queries: Query[]): Built<And>;
  /** This query or the others; chaining onto an `or` extends it instead of nesting. */
  or(...queries: Query[]): Built<Or>;
  not(): Built<Not>;
}

export type Built<Q extends Query = Query> = Readonly<Q> & Chainable;

function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = frozenCopy(item);
    return Object.freeze(copy) as T;
  }
  return value;
}

/** One level of the query, copied, with the defaults a stored query may leave out written in. */
function canonicalLevel(query: Query): Query {
  switch (query.op) {
    case "and":
    case "or":
      return { op: query.op, queries: Object.freeze(query.queries.map(built)) as unknown as Query[] };
    case "not":
      return { op: "not", query: built(query.query) };
    case "keyPresent":
      return { op: "keyPresent", key: query.key, exists: query.exists ?? true };
    case "regex":
      return { ...frozenCopy(query), caseSensitive: query.caseSensitive ?? true };
    case "scanId":
    case "scanIdRange":
      return { ...frozenCopy(query), duplicates: query.duplicates ?? "latest" };
    default:
      return { ...frozenCopy(query) };
  }
}

/**
 * The built form of a query that is already known to be valid: a frozen canonical copy with chaining
 * methods (on every nested query too). Use `checkQuery` for anything that has not been validated.
 */
export function built<Q extends Query>(query: Q): Built<Q> {
  const level = canonicalLevel(query);
  const methods: Chainable = {
    and: (...queries) =>
      built({
        op: "and",
        queries: level.op === "and" ? [...level.queries, ...queries] : [level, ...queries],
      }),
    or: (...queries) =>
      built({ op: "or", queries: level.op === "or" ? [...level.queries, ...queries] : [level, ...queries] }),
    not: () => built({ op: "not", query: level }),
  };
  for (const [name, method] of Object.entries(methods))
    Object.defineProperty(level, name, { value: method, enumerable: false });
  return Object.freeze(level) as Built<Q>;
}
