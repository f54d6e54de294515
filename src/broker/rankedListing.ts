// A listing of a search with fuzzy parts and no sort asked: the closest runs first (queries/fuzzyRank.ts),
// ties newest first. Ranking needs every match, so it is done for up to MAX_RANKED matches; a search matching
// more is listed newest first, as without fuzzy parts (a text that loose ranks nothing useful anyway).
import type { RunSummary } from "../catalog/RunSummary.ts";
import { fuzzyScorer } from "../queries/fuzzyRank.ts";
import type { Query } from "../queries/Query.ts";
import type { Store, StoreRunsOptions } from "../storage/Store.ts";

export const MAX_RANKED = 10_000;

export async function* rankedListing(
  store: Store,
  query: Query,
  words: readonly string[],
  options: StoreRunsOptions,
): AsyncGenerator<RunSummary> {
  const { offset = 0, limit, ...search } = options;
  const found: RunSummary[] = [];
  for await (const summary of store.runs(query, { ...search, limit: MAX_RANKED + 1 })) found.push(summary);
  if (found.length > MAX_RANKED) {
    yield* store.runs(query, options);
    return;
  }
  const score = fuzzyScorer(words);
  const ranked = found
    .map((summary, order) => ({ summary, order, score: score(summary.start) }))
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const end = limit === undefined ? undefined : offset + limit;
  for (const { summary } of ranked.slice(offset, end)) yield summary;
}
