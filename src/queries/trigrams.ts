// Typo-tolerant closeness of words, pg_trgm's definition: a word padded with two spaces before and one after,
// its set of 3-character trigrams, similarity = |A ∩ B| / |A ∪ B|. Every backend decides closeness with these
// functions or with CLOSE_ENOUGH_SQL, which compares the same counts as whole numbers, so all answer alike.

/**
 * Words at least this similar are close: 1/4, below pg_trgm's default 3/10 so that two neighbours swapped in
 * a word of six letters (0.27) still match; one dropped, doubled or wrong letter in a word of five or more
 * gives 0.3-0.6. Measured (test/queries/fuzzyCorpus.test.ts and 300 random letter strings against 12,600
 * words of English text): 3/10 found the intended run first for 86% of typed values, 1/4 for over 90%, 1/5
 * (a swap in a five-letter word) more, but then a third of the random strings matched some word, against a
 * tenth at 1/4. Kept as a fraction so SQL compares whole numbers.
 */
export const CLOSE = { numerator: 1, denominator: 4 } as const;

const trigramCache = new Map<string, string[]>();
const CACHE_LIMIT = 100_000;

/** The distinct trigrams of one normalised word (code points, so letters beyond ASCII count as one). */
export function trigramsOf(word: string): string[] {
  let found = trigramCache.get(word);
  if (found) return found;
  const points = [" ", " ", ...word, " "];
  const set = new Set<string>();
  for (let i = 0; i + 3 <= points.length; i++) set.add(points[i] + points[i + 1] + points[i + 2]);
  found = [...set];
  if (trigramCache.size >= CACHE_LIMIT) trigramCache.clear();
  trigramCache.set(word, found);
  return found;
}

/** |A ∩ B| / |A ∪ B| of two trigram sets given as their sizes and the size of their intersection. */
export function jaccard(shared: number, sizeA: number, sizeB: number): number {
  return shared / (sizeA + sizeB - shared);
}

/** shared / (a + b - shared) >= n / d, in whole numbers: shared * (d + n) >= n * (a + b). */
export function closeEnough(shared: number, sizeA: number, sizeB: number): boolean {
  return shared * (CLOSE.denominator + CLOSE.numerator) >= CLOSE.numerator * (sizeA + sizeB);
}

/** The same test in SQL over integer expressions (the trigram index's counts). */
export function closeEnoughSql(shared: string, sizeA: string, sizeB: string): string {
  return `${shared} * ${CLOSE.denominator + CLOSE.numerator} >= ${CLOSE.numerator} * (${sizeA} + ${sizeB})`;
}

/**
 * The similarity of words to `word`, its trigrams read once (what a search compares many words with): 0 for
 * a word not close enough.
 */
export function closenessTo(word: string): (other: string) => number {
  const mine = new Set(trigramsOf(word));
  return (other) => {
    if (other === word) return 1;
    const theirs = trigramsOf(other);
    let shared = 0;
    for (const trigram of theirs) if (mine.has(trigram)) shared++;
    return closeEnough(shared, mine.size, theirs.length) ? jaccard(shared, mine.size, theirs.length) : 0;
  };
}

/** The trigram similarity of two sets of trigrams, in [0, 1]. */
export function setSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const inB = new Set(b);
  const shared = a.filter((trigram) => inB.has(trigram)).length;
  return jaccard(shared, a.length, b.length);
}

/** The trigram similarity of two normalised words. */
export function wordSimilarity(a: string, b: string): number {
  return a === b ? 1 : setSimilarity(trigramsOf(a), trigramsOf(b));
}
