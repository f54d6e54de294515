// Which words fuzzy search compares by spelling: the full-text words made of letters only. Words holding
// digits (scan numbers, uid fragments, dates) are matched exactly: a typo there names another thing, and
// leaving them out keeps the trigram vocabulary to words people type.
import { wordSetOf, wordsOf } from "./fullText.ts";
import { closenessTo } from "./trigrams.ts";

const SPELLED = /^\p{L}+$/u;

/** Whether a normalised word is compared by spelling (letters only) rather than exactly. */
export function isSpelled(word: string): boolean {
  return SPELLED.test(word);
}

/** The distinct words of a fuzzy text, in order. */
export function fuzzyWordsOf(text: string): string[] {
  return [...new Set(wordsOf(text))];
}

/** The words of a start document fuzzy search compares by spelling (what the backends' vocabulary holds). */
export function spelledWordsOf(start: unknown): string[] {
  return [...wordSetOf(start)].filter(isSpelled);
}

/**
 * For one word of a fuzzy text: the best similarity of a start document's words to it (1 for the word itself,
 * 0 when none is close; a word with digits is found only as itself).
 */
export function bestSimilarityTo(word: string): (start: unknown) => number {
  if (!isSpelled(word)) return (start) => (wordSetOf(start).has(word) ? 1 : 0);
  const closeness = closenessTo(word);
  // Runs share most of their words (plan names, users, samples): each is compared once per query.
  const known = new Map<string, number>();
  const closenessOf = (candidate: string) => {
    let found = known.get(candidate);
    if (found === undefined) {
      found = isSpelled(candidate) ? closeness(candidate) : 0;
      known.set(candidate, found);
    }
    return found;
  };
  return (start) => {
    const words = wordSetOf(start);
    if (words.has(word)) return 1;
    let best = 0;
    for (const candidate of words) best = Math.max(best, closenessOf(candidate));
    return best;
  };
}
