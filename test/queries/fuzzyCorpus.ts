// The misspellings fuzzy search is measured on: real start-document values of ../shared/data (sample, plan,
// user and instrument names, proposals, purposes), each long word of each value typed wrong four ways
// (a dropped, a doubled, a wrong letter, two neighbours swapped), generated here, never by hand.
import type { RunStart } from "../../src/documents/types.ts";
import { wordsOf } from "../../src/queries/fullText.ts";
import { isSpelled } from "../../src/queries/fuzzyWords.ts";

/** Start keys whose values people type when they search. */
export const TYPED_KEYS = [
  "plan_name",
  "sample_name",
  "Sample_Name",
  "operator",
  "username",
  "proposal_id",
  "purpose",
  "remarks",
  "instrument_name",
  "beamline_id",
  "plan_description",
  "databroker_catalog",
  "edge",
];

export interface Misspelling {
  key: string;
  /** The real value, and the search typed for it (the value with one word misspelled). */
  value: string;
  text: string;
  kind: "dropped" | "doubled" | "wrong" | "swapped";
}

/** A letter other than `letter`, fixed for each letter (the next one of the alphabet). */
function otherLetter(letter: string): string {
  const code = letter.charCodeAt(0);
  return code >= 97 && code < 122 ? String.fromCharCode(code + 1) : "a";
}

/** The four typos of a word, each at a place fixed by the word's length. */
export function typosOf(word: string): Array<{ kind: Misspelling["kind"]; typed: string }> {
  const middle = Math.floor(word.length / 2);
  const late = word.length - 2;
  return [
    { kind: "dropped", typed: word.slice(0, middle) + word.slice(middle + 1) },
    { kind: "doubled", typed: word.slice(0, late + 1) + word.slice(late) },
    { kind: "wrong", typed: word.slice(0, 1) + otherLetter(word[1]) + word.slice(2) },
    {
      kind: "swapped",
      typed: word.slice(0, middle - 1) + word[middle] + word[middle - 1] + word.slice(middle + 1),
    },
  ];
}

/** Every misspelling of the typed keys' distinct values, for words of five letters or more. */
export function misspellingsOf(starts: readonly RunStart[]): Misspelling[] {
  const values = new Map<string, { key: string; value: string }>();
  for (const start of starts)
    for (const key of TYPED_KEYS) {
      const value = (start as Record<string, unknown>)[key];
      if (typeof value === "string") values.set(`${key}\u0000${value}`, { key, value });
    }
  const found: Misspelling[] = [];
  for (const { key, value } of values.values()) {
    const words = wordsOf(value);
    words.forEach((word, index) => {
      if (word.length < 5 || !isSpelled(word)) return;
      for (const { kind, typed } of typosOf(word)) {
        if (typed === word) continue;
        const text = words.map((other, i) => (i === index ? typed : other)).join(" ");
        found.push({ key, value, text, kind });
      }
    });
  }
  return found;
}
