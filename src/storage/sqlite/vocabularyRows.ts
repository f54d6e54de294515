// The fuzzy vocabulary's rows in a SQLite catalog (storage/fuzzyVocabulary.ts): words added as starts are
// stored, dropped when the last run holding them is deleted (run_text, already without that run, tells).
import type Database from "better-sqlite3";
import { trigramRowsOf, vocabularyOf } from "../fuzzyVocabulary.ts";

type Statements = (text: string) => Database.Statement;

/** Adds the start's words the vocabulary lacks, with their trigrams. */
export function addVocabulary(sql: Statements, start: unknown): void {
  const addWord = sql("INSERT OR IGNORE INTO fuzzy_words (word) VALUES (?)");
  const addTrigram = sql("INSERT OR IGNORE INTO fuzzy_trigrams (trigram, word, size) VALUES (?, ?, ?)");
  for (const word of vocabularyOf(start)) {
    if (addWord.run(word).changes === 0) continue;
    for (const row of trigramRowsOf(word)) addTrigram.run(row.trigram, row.word, row.size);
  }
}

/** Drops the deleted start's words that no stored run holds any more (call after its run_text row is gone). */
export function dropVocabulary(sql: Statements, start: unknown): void {
  const held = sql("SELECT 1 FROM run_text WHERE run_text MATCH ? LIMIT 1").pluck();
  const dropWord = sql("DELETE FROM fuzzy_words WHERE word = ?");
  const dropTrigrams = sql("DELETE FROM fuzzy_trigrams WHERE trigram = ? AND word = ?");
  for (const word of vocabularyOf(start)) {
    if (held.get(`"${word}"`) !== undefined) continue;
    dropWord.run(word);
    for (const row of trigramRowsOf(word)) dropTrigrams.run(row.trigram, word);
  }
}

/**
 * The vocabulary's tables, filled from the runs already stored (a catalog's upgrade; a new catalog gets
 * them empty). Self-contained so the upgrade can take any version number.
 */
export function createVocabulary(db: Database.Database): void {
  db.exec(`
    CREATE TABLE fuzzy_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE fuzzy_trigrams (
      trigram TEXT NOT NULL,
      word TEXT NOT NULL,
      size INTEGER NOT NULL,         -- the word's trigram count: similarity is decided from the index alone
      PRIMARY KEY (trigram, word)
    ) WITHOUT ROWID;
  `);
  const sql = (text: string) => db.prepare(text);
  // .all(), not .iterate(): better-sqlite3 forbids writes on a connection while a read is still stepping.
  for (const start of db.prepare("SELECT start FROM runs").pluck().all() as string[])
    addVocabulary(sql, JSON.parse(start));
}
