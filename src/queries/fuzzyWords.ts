// Which words fuzzy search compares by spelling: the full-text words made of letters only. Words holding
// digits (scan numbers, uid fragments, dates) are matched exactly: a typo there names another thing, and
// leaving them out keeps the trigram vocabulary to words people type.
import { wordSetOf, wordsOf } from "./fullText.ts";
import { areClose, wordSimilarity } from "./trigrams.ts";

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

/** Whether some word of the start document is close to `word` (equal, for a word with digits). */
export function hasCloseWord(word: string, start: unknown): boolean {
  const words = wordSetOf(start);
  if (words.has(word)) return true;
  if (!isSpelled(word)) return false;
  for (const candidate of words) if (isSpelled(candidate) && areClose(word, candidate)) return true;
  return false;
}

/** The best similarity of `word` to a word of the start document (0: none close enough). */
export function bestSimilarity(word: string, start: unknown): number {
  const words = wordSetOf(start);
  if (words.has(word)) return 1;
  if (!isSpelled(word)) return 0;
  let best = 0;
  for (const candidate of words)
    if (isSpelled(candidate) && areClose(word, candidate))
      best = Math.max(best, wordSimilarity(word, candidate));
  return best;
}
