// A listing of a search with fuzzy parts and no sort asked: the closest runs first (queries/fuzzyRank.ts),
// ties newest first. Ranking reads every match, so it is done for up to MAX_RANKED matches (counted first); a
// search matching more is listed newest first, as without fuzzy parts (a text that loose ranks little).
import type { RunSummary } from "../catalog/RunSummary.ts";
import { fuzzyScorer } from "../queries/fuzzyRank.ts";
import type { Query } from "../queries/Query.ts";
import type { Store, StoreRunsOptions } from "../storage/Store.ts";

/** Reading 1,000 summaries takes a SQLite catalog about 20 ms: the most a page may wait for its ranking. */
export const MAX_RANKED = 1_000;

export async function* rankedListing(
  store: Store,
  query: Query,
  words: readonly string[],
  options: StoreRunsOptions,
): AsyncGenerator<RunSummary> {
  const { offset = 0, limit, ...search } = options;
  if ((await store.count(query, search)) > MAX_RANKED) {
    yield* store.runs(query, options);
    return;
  }
  const found: RunSummary[] = [];
  for await (const summary of store.runs(query, search)) found.push(summary);
  const score = fuzzyScorer(words);
  const ranked = found
    .map((summary, order) => ({ summary, order, score: score(summary.start) }))
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const end = limit === undefined ? undefined : offset + limit;
  for (const { summary } of ranked.slice(offset, end)) yield summary;
}
