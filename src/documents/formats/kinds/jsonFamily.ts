// What the JSON formats share: the request Content-Types that may hold any of them, and how one document is
// written as JSON text in each document shape.
import type { DocumentPair } from "../../types.ts";
import type { DocumentShape } from "../DocumentFormat.ts";
import { stringifyJson } from "../jsonText.ts";

/** A JSON body may be an array or JSON Lines whatever it is declared as; json-seq framing is the server's. */
export const JSON_MEDIA_TYPES: readonly string[] = [
  "application/json",
  "application/json-seq",
  "application/x-ndjson",
  "application/jsonl",
];

/** The JSON text of one document as a `[name, doc]` pair or a `{"name", "doc"}` object. */
export function documentJsonText(shape: DocumentShape): (pair: DocumentPair) => string {
  return shape === "pair" ? (pair) => stringifyJson(pair) : ([name, doc]) => stringifyJson({ name, doc });
}
