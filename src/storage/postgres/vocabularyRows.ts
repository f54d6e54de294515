// The fuzzy vocabulary's rows in a PostgreSQL catalog (storage/fuzzyVocabulary.ts): the tables (migration),
// words added with the starts of a batch, dropped when the last run holding them is deleted. The trigrams are
// computed here in JavaScript, as for SQLite and memory, so every backend has the same ones.
import { isSpelled } from "../../queries/fuzzyWords.ts";
import { type TrigramRow, trigramRowsOf, vocabularyOf } from "../fuzzyVocabulary.ts";
import { bound, type Queryable, statement } from "./connectionPool.ts";

export const VOCABULARY_TABLES = `
CREATE TABLE fuzzy_words (word text COLLATE "C" PRIMARY KEY);
-- size: the word's trigram count, so similarity is decided from the index alone (INCLUDE: index-only scans).
CREATE TABLE fuzzy_trigrams (
  trigram text COLLATE "C" NOT NULL,
  word text COLLATE "C" NOT NULL,
  size integer NOT NULL,
  PRIMARY KEY (trigram, word) INCLUDE (size)
);`;

/** Adds the words $1 the vocabulary lacks, with their trigram rows from ($2, $3, $4). */
const ADD_WORDS = statement(
  "add_fuzzy_words",
  `WITH added AS (INSERT INTO fuzzy_words (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING word)
   INSERT INTO fuzzy_trigrams (trigram, word, size)
   SELECT t.trigram, t.word, t.size FROM unnest($2::text[], $3::text[], $4::integer[]) AS t(trigram, word, size)
   JOIN added ON added.word = t.word ON CONFLICT DO NOTHING`,
);

/** Drops the words $1 no run's words hold any more, and their trigram rows from ($2, $3). */
const DROP_WORDS = statement(
  "drop_fuzzy_words",
  `WITH gone AS (DELETE FROM fuzzy_words AS w WHERE w.word = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.words @@ ('''' || w.word || '''')::tsquery) RETURNING w.word)
   DELETE FROM fuzzy_trigrams AS t USING unnest($2::text[], $3::text[]) AS d(trigram, word), gone
   WHERE gone.word = d.word AND t.trigram = d.trigram AND t.word = d.word`,
);

function rowsOf(words: Iterable<string>): { words: string[]; rows: TrigramRow[] } {
  const distinct = [...new Set(words)];
  return { words: distinct, rows: distinct.flatMap(trigramRowsOf) };
}

/** Adds the vocabulary words of the batch's starts (in the batch's transaction). */
export async function addVocabulary(client: Queryable, words: Iterable<string>): Promise<void> {
  const { words: list, rows } = rowsOf(words);
  if (list.length === 0) return;
  await client.query(
    bound(ADD_WORDS, [
      list,
      rows.map((row) => row.trigram),
      rows.map((row) => row.word),
      rows.map((row) => row.size),
    ]),
  );
}

/** Drops the deleted start's words no run holds (after its runs row is deleted, same transaction). */
export async function dropVocabulary(client: Queryable, start: unknown): Promise<void> {
  const { words, rows } = rowsOf(vocabularyOf(start));
  if (words.length === 0) return;
  await client.query(bound(DROP_WORDS, [words, rows.map((row) => row.trigram), rows.map((row) => row.word)]));
}

/** Fills the vocabulary from the words of the runs already stored (the migration's second step). */
export async function fillVocabulary(client: Queryable): Promise<void> {
  const { rows } = await client.query<{ word: string }>(
    "SELECT DISTINCT unnest(tsvector_to_array(words)) AS word FROM runs",
  );
  const spelled = rows.map((row) => row.word).filter(isSpelled);
  const BATCH = 10_000;
  for (let i = 0; i < spelled.length; i += BATCH) await addVocabulary(client, spelled.slice(i, i + BATCH));
}
