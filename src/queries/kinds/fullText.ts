// The fullText kind: words of a text among the words of the start document. A bare quoted string in the
// query language; Tiled's `fulltext` filter.
import { text } from "../fieldChecks.ts";
import { wordSetOf, wordsOf } from "../fullText.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * Every word of `text` appears among the words of the start document's string values (whole words, any order;
 * case and accents ignored). Words are runs of letters and digits (see fullText.ts).
 */
export interface FullText {
  op: "fullText";
  text: string;
}

export const fullTextQuery = (text: string): FullText => ({ op: "fullText", text });

export const fullTextKind: QueryKind<FullText> = {
  op: "fullText",
  fields: {
    text: text(
      (value) => (wordsOf(value).length === 0 ? "full text needs at least one word" : undefined),
      "words",
    ),
  },
  format: (query, text) => text.value(query.text),
  tiled: {
    name: "fulltext",
    encode: (query) => ({ text: query.text }),
    decode: (reader) => fullTextQuery(reader.raw("text") ?? ""),
  },
};

export const matchFullText: MemoryTranslation<FullText> = (query) => {
  const words = wordsOf(query.text);
  return (run) => {
    const indexed = wordSetOf(run.start);
    return words.every((word) => indexed.has(word));
  };
};
