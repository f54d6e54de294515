// Query values as users hold them: deep-frozen copies of the plain data, in canonical form (defaults filled
// in), carrying non-enumerable `and` / `or` / `not` methods for chaining. JSON.stringify and deep equality
// see only the plain data, so a built query equals the literal object it describes.
import { queryKind } from "./kinds/index.ts";
import type { And, Not, Or, Query } from "./Query.ts";

export interface Chainable {
  /** This query and the others; chaining onto an `and` extends it instead of nesting. */
  and(...queries: Query[]): Built<And>;
  /** This query or the others; chaining onto an `or` extends it instead of nesting. */
  or(...queries: Query[]): Built<Or>;
  not(): Built<Not>;
}

export type Built<Q extends Query = Query> = Readonly<Q> & Chainable;

/** Queries already built (nested in a level being built): kept as they are by frozenCopy. */
const builtQueries = new WeakSet<object>();

function frozenCopy<T>(value: T): T {
  if (typeof value === "object" && value !== null && builtQueries.has(value)) return value;
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
  const kind = queryKind(query.op);
  const level = kind?.canonical ? kind.canonical(query, built as <N extends Query>(nested: N) => N) : query;
  return { ...frozenCopy(level as Query) };
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
  builtQueries.add(level);
  return Object.freeze(level) as Built<Q>;
}
