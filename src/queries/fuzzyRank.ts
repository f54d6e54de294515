// How well a run matches the fuzzy parts of a query, for ranking: the mean, over the words of every fuzzy part
// not under a `not`, of the best similarity of the word to a word of the run's start (1 for an exact one).
import { bestSimilarityTo, fuzzyWordsOf } from "./fuzzyWords.ts";
import type { Query } from "./Query.ts";

/** The words of the query's fuzzy parts that a matching run satisfies (those under `not` it need not). */
export function fuzzyWordsIn(query: Query): string[] {
  if (query.op === "fuzzy") return fuzzyWordsOf(query.text);
  if (query.op === "and" || query.op === "or") return [...new Set(query.queries.flatMap(fuzzyWordsIn))];
  return [];
}

/** The closeness of a run's start to `words` in [0, 1] (words: fuzzyWordsIn of the query). */
export function fuzzyScorer(words: readonly string[]): (start: unknown) => number {
  const similarities = words.map(bestSimilarityTo);
  return (start) => {
    let sum = 0;
    for (const similarity of similarities) sum += similarity(start);
    return words.length === 0 ? 0 : sum / words.length;
  };
}
