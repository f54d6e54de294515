// "Did you mean": for a search that found nothing, a close value of a key it compared with a string (`sample
// == "silcon"` -> `sample == "silicon"`), taken from the key's distinct values among the runs the rest of the
// search selects, and checked to find runs. Shared by the CLI and the server.
import { formatQuery } from "../queries/formatQuery.ts";
import { wordsOf } from "../queries/fullText.ts";
import type { Eq, Query } from "../queries/Query.ts";
import { CLOSE, setSimilarity, trigramsOf } from "../queries/trigrams.ts";
import type { Broker } from "./Broker.ts";

export interface Suggestion {
  /** The key whose value was misspelled, the value found instead. */
  key: string;
  value: string;
  /** The whole search with that value, in the query language. */
  query: string;
}

/** The trigrams of a value's words together (pg_trgm's similarity of texts of several words). */
function valueTrigrams(value: string): string[] {
  return [...new Set(wordsOf(value).flatMap(trigramsOf))];
}

/** The `eq` parts with a string value that a matching run must satisfy (none under `not`). */
function stringEqualities(query: Query): Eq[] {
  if (query.op === "eq") return typeof query.value === "string" ? [query] : [];
  if (query.op === "and" || query.op === "or") return query.queries.flatMap(stringEqualities);
  return [];
}

/** `query` with the node `target` replaced by `by`. */
function replaced(query: Query, target: Query, by: Query): Query {
  if (query === target) return by;
  if (query.op === "and" || query.op === "or")
    return { ...query, queries: query.queries.map((part) => replaced(part, target, by)) };
  return query;
}

/** The closest string among `values` to `wanted` (at least CLOSE similar, not `wanted` itself). */
function closestValue(wanted: string, values: readonly unknown[]): string | undefined {
  const trigrams = valueTrigrams(wanted);
  let best: { value: string; similarity: number } | undefined;
  for (const value of values) {
    if (typeof value !== "string" || value === wanted) continue;
    const similarity = setSimilarity(trigrams, valueTrigrams(value));
    if (similarity * CLOSE.denominator >= CLOSE.numerator && similarity > (best?.similarity ?? 0))
      best = { value, similarity };
  }
  return best?.value;
}

/**
 * A suggestion for `query`, searched within `catalog` (whose own scope, such as access rules, stays out of the
 * suggested text), when one of its string comparisons has a close value that makes the search find runs.
 */
export async function didYouMean(catalog: Broker, query: Query): Promise<Suggestion | undefined> {
  for (const part of stringEqualities(query)) {
    const others = replaced(query, part, { op: "all" });
    const values = await catalog.search(others).distinct(part.key);
    const value = closestValue(part.value as string, values);
    if (value === undefined) continue;
    const suggested = replaced(query, part, { ...part, value });
    if ((await catalog.search(suggested).count()) > 0)
      return { key: part.key, value, query: formatQuery(suggested) };
  }
  return undefined;
}
