// What the JSON formats share: text that is JSON, the request Content-Types that may hold any of them, and how
// one document is written as JSON text in each document shape.
import type { DocumentPair } from "../../types.ts";
import type { DocumentFileFormat } from "../DocumentFileFormat.ts";
import type { DocumentShape } from "../DocumentFormat.ts";
import { stringifyJson } from "../jsonText.ts";

/** A JSON body may be an array or JSON Lines whatever it is declared as; json-seq framing is the server's. */
export const JSON_MEDIA_TYPES: readonly string[] = [
  "application/json",
  "application/json-seq",
  "application/x-ndjson",
  "application/jsonl",
];

/** The members of every JSON format that its layout does not decide. */
export const JSON_TEXT = {
  aliases: [],
  encoding: "JSON",
  mediaTypes: JSON_MEDIA_TYPES,
  binary: false,
} as const satisfies Partial<DocumentFileFormat>;

/** The JSON text of one document as a `[name, doc]` pair or a `{"name", "doc"}` object. */
export function documentJsonText(shape: DocumentShape): (pair: DocumentPair) => string {
  return shape === "pair" ? (pair) => stringifyJson(pair) : ([name, doc]) => stringifyJson({ name, doc });
}
