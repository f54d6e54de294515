// The persisted vocabulary fuzzy search looks words up in, shared by the SQL backends: every letters-only
// word of the stored start documents (fuzzyWords.ts) in `fuzzy_words`, and its trigrams in `fuzzy_trigrams`
// (trigram, word, the word's trigram count). A fuzzy word then compiles to: the vocabulary words sharing
// enough trigrams (an index range per trigram, counted per word, CLOSE tested on whole numbers) -> the runs
// holding one of them (the full-text index). Words no run holds any longer are dropped on deletion.
import { fuzzyWordsOf, isSpelled, spelledWordsOf } from "../queries/fuzzyWords.ts";
import { closeEnoughSql, trigramsOf } from "../queries/trigrams.ts";

/** A row of fuzzy_trigrams. */
export interface TrigramRow {
  trigram: string;
  word: string;
  size: number;
}

/** The trigram rows of a word new to the vocabulary. */
export function trigramRowsOf(word: string): TrigramRow[] {
  const trigrams = trigramsOf(word);
  return trigrams.map((trigram) => ({ trigram, word, size: trigrams.length }));
}

/** The vocabulary words of a start document (what ingest adds and deletion may remove). */
export const vocabularyOf = spelledWordsOf;

/** A fuzzy text's words: spelled ones are looked up by trigrams, the others matched exactly. */
export function splitFuzzyWords(text: string): { spelled: string[]; exact: string[] } {
  const words = fuzzyWordsOf(text);
  return { spelled: words.filter(isSpelled), exact: words.filter((word) => !isSpelled(word)) };
}

/**
 * The SELECT of the vocabulary words close to `word`, given the SQL that lists its trigrams for an IN
 * (bound parameters or an array): the words sharing trigrams, grouped, kept when close enough.
 */
export function closeWordsSql(word: string, trigramList: string): string {
  const size = trigramsOf(word).length;
  return (
    `SELECT word FROM fuzzy_trigrams WHERE trigram ${trigramList} GROUP BY word ` +
    `HAVING ${closeEnoughSql("COUNT(*)", String(size), "MAX(size)")}`
  );
}
