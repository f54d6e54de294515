// One JSON array of documents: `json-array` (`[name, doc]` pairs, apstools test files) and
// `name-doc-json-array` (`{"name", "doc"}` objects, bluesky-tiled-plugins examples), streamed element by
// element; written one document per line between `[` and `]`, diffable and still a single JSON value.

import type { Detection, DocumentFileFormat } from "../DocumentFileFormat.ts";
import type { DocumentShape } from "../DocumentFormat.ts";
import { oneByOne } from "../DocumentStream.ts";
import {
  CLOSE_BRACKET,
  describeByte,
  firstMeaningfulByte,
  nextMeaningfulByte,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "../jsonHead.ts";
import { readJsonArray } from "../readJsonArray.ts";
import { documentJsonText, JSON_TEXT } from "./jsonFamily.ts";

/** `[` then a container: an array of documents (`[` then a string is a JSON Lines pair). */
function arrayDetection(head: Uint8Array, shape: DocumentShape): Detection {
  const first = firstMeaningfulByte(head);
  if (first >= head.length || head[first] !== OPEN_BRACKET) return false;
  const second = nextMeaningfulByte(head, first);
  const element = second < head.length ? head[second] : undefined;
  if (element === OPEN_BRACE) return shape === "name-doc";
  if (element === undefined || element === OPEN_BRACKET || element === CLOSE_BRACKET) return shape === "pair";
  if (element === QUOTE) return false;
  return {
    at: second,
    problem: `not a document file: a JSON array whose first element starts with ${describeByte(element)}`,
  };
}

function jsonArrayFormat(name: string, shape: DocumentShape): DocumentFileFormat {
  const text = documentJsonText(shape);
  return {
    ...JSON_TEXT,
    name,
    label: "JSON array",
    extensions: [".json"],
    exportable: false,
    detect: (head) => arrayDetection(head, shape),
    read: (chunks, source, limits) => oneByOne(readJsonArray(chunks, source, shape, limits)),
    writer: () => {
      let count = 0;
      return {
        document: (pair) => `${count++ === 0 ? "[\n" : ",\n"}${text(pair)}`,
        end: () => (count === 0 ? "[]\n" : "\n]\n"),
      };
    },
  };
}

export const jsonArray = jsonArrayFormat("json-array", "pair");
export const nameDocJsonArray = jsonArrayFormat("name-doc-json-array", "name-doc");
