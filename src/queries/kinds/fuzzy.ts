// The fuzzy kind: full text that forgives typos. Each word of the text must be close (trigram similarity, see
// trigrams.ts) to some word of the start document. Written ~"text" or fuzzy("text"); Tiled-style filter `fuzzy`.
import { text } from "../fieldChecks.ts";
import { wordsOf } from "../fullText.ts";
import { bestSimilarityTo, fuzzyWordsOf } from "../fuzzyWords.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * Every word of `text` is close to some word of the start document's string values: letters-only words by
 * trigram similarity of at least CLOSE (trigrams.ts), words with digits exactly. Case and accents ignored.
 */
export interface Fuzzy {
  op: "fuzzy";
  text: string;
}

export const fuzzyQuery = (text: string): Fuzzy => ({ op: "fuzzy", text });

export const fuzzyKind: QueryKind<Fuzzy> = {
  op: "fuzzy",
  fields: {
    text: text(
      (value) => (wordsOf(value).length === 0 ? "fuzzy text needs at least one word" : undefined),
      "words",
    ),
  },
  format: (query, text) => `~${text.value(query.text)}`,
  language: {
    functions: {
      names: ["fuzzy"],
      read: (call) => {
        call.named([]);
        const [argument, extra] = call.positional;
        if (argument === undefined || extra !== undefined)
          throw call.error(call.nameToken, `${call.name} takes one text`);
        if (typeof argument.value !== "string")
          throw call.error(argument.token, `${call.name} takes its text as a string`);
        return fuzzyQuery(argument.value);
      },
    },
  },
  tiled: {
    name: "fuzzy",
    encode: (query) => ({ text: query.text }),
    decode: (reader) => fuzzyQuery(reader.raw("text") ?? ""),
  },
};

export const matchFuzzy: MemoryTranslation<Fuzzy> = (query) => {
  const tests = fuzzyWordsOf(query.text).map(bestSimilarityTo);
  return (run) => tests.every((similarity) => similarity(run.start) > 0);
};
