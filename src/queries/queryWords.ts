// The words of the query language: those of its grammar, and the operators and functions the registered
// kinds read (a kind contributes them in its `language` form). A key spelled like a word is written in
// backticks; bare time keys compared with strings read the string as a time.
import { onQueryKindsChange, queryKinds } from "./kinds/index.ts";
import type { QueryKind } from "./kinds/QueryKind.ts";

/** Keys whose string comparisons are read as times (only when written bare, not backticked). */
export const TIME_KEYS = new Set(["time", "start.time", "stop.time"]);

const GRAMMAR_WORDS = ["and", "or", "not", "true", "false", "null"];

interface Vocabulary {
  keywords: Set<string>;
  /** The kind each operator after a key reads (words lower-cased). */
  operators: Map<string, QueryKind>;
  /** The kind each function name reads. */
  functions: Map<string, QueryKind>;
}

let vocabulary: Vocabulary | undefined;
onQueryKindsChange(() => {
  vocabulary = undefined;
});

function gather(): Vocabulary {
  const found: Vocabulary = { keywords: new Set(GRAMMAR_WORDS), operators: new Map(), functions: new Map() };
  for (const kind of queryKinds()) {
    for (const name of kind.language?.operators?.names ?? []) {
      const isWord = /^[A-Za-z_]/.test(name);
      if (isWord) found.keywords.add(name.toLowerCase());
      found.operators.set(isWord ? name.toLowerCase() : name, kind);
    }
    for (const name of kind.language?.functions?.names ?? []) found.functions.set(name, kind);
  }
  return found;
}

export function languageVocabulary(): Vocabulary {
  vocabulary ??= gather();
  return vocabulary;
}

/** Whether a word is reserved by the language (keys spelled like one are written in backticks). */
export function isKeyword(word: string): boolean {
  return languageVocabulary().keywords.has(word.toLowerCase());
}
