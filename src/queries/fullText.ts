// Full-text words, defined once: a word is a run of letters and digits, compared after Unicode compatibility
// decomposition with accents dropped and case folded. Memory evaluation reads these words directly; SQLite
// stores them, already normalised, in its FTS5 table, so both adapters see the same words.

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

// ASCII text is its own NFKD form and has no marks, so it skips both (most metadata is).
const ASCII = /^\p{ASCII}*$/u;

/** The normalised words of `text`, in order (repeats kept). */
export function wordsOf(text: string): string[] {
  const plain = ASCII.test(text) ? text : text.normalize("NFKD").replace(MARKS, "");
  return plain.toLowerCase().match(WORD) ?? [];
}

/** Every string value inside a document (object keys and numbers are not text). */
export function stringsOf(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") found.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, found);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) stringsOf(item, found);
  return found;
}

/**
 * The strings of a start document full text reaches: all but the run uids a provenance record lists as
 * inputs (`provenance.inputs[].uid`), which are references rather than words, and which a reader who may
 * not see those runs must not be able to probe word by word (derived_from asks for them by uid).
 */
function textStringsOf(start: unknown): string[] {
  const record = (start as { provenance?: { inputs?: unknown } } | null)?.provenance;
  const inputs = record?.inputs;
  if (!Array.isArray(inputs)) return stringsOf(start);
  const withoutUids = inputs.map((input) =>
    typeof input === "object" && input !== null ? { ...input, uid: undefined } : input,
  );
  return stringsOf({ ...(start as object), provenance: { ...record, inputs: withoutUids } });
}

/** The normalised words of a start document, one space between words: what the full-text index stores. */
export function indexedText(start: unknown): string {
  return textStringsOf(start).flatMap(wordsOf).join(" ");
}

const wordSets = new WeakMap<object, Set<string>>();

/** The distinct words of a start document (cached per document object). */
export function wordSetOf(start: unknown): Set<string> {
  if (typeof start !== "object" || start === null) return new Set();
  let words = wordSets.get(start);
  if (!words) {
    words = new Set(textStringsOf(start).flatMap(wordsOf));
    wordSets.set(start, words);
  }
  return words;
}
