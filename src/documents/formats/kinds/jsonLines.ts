// JSON Lines of documents, one per line: `jsonl` (`[name, doc]` pairs, suitcase-jsonl) and `name-doc-jsonl`
// (`{"name", "doc"}` objects). Small inputs are parsed as they stream in; large files in worker threads.

import type { DocumentFileFormat } from "../DocumentFileFormat.ts";
import type { DocumentShape } from "../DocumentFormat.ts";
import { sharedJsonLinesPool } from "../JsonLinesWorkerPool.ts";
import { firstMeaningfulByte, nextMeaningfulByte, OPEN_BRACE, OPEN_BRACKET, QUOTE } from "../jsonHead.ts";
import { readJsonLinesInChunks } from "../readJsonLines.ts";
import { isWorthParallel, readJsonLinesInParallel } from "../readJsonLinesInParallel.ts";
import { documentJsonText, JSON_TEXT } from "./jsonFamily.ts";

/** A `[name, doc]` line starts `[` then a string; blank input is a file of no documents, in this format. */
function startsPairLine(head: Uint8Array): boolean {
  const first = firstMeaningfulByte(head);
  if (first >= head.length) return true;
  if (head[first] !== OPEN_BRACKET) return false;
  const second = nextMeaningfulByte(head, first);
  return second < head.length && head[second] === QUOTE;
}

function startsNameDocLine(head: Uint8Array): boolean {
  const first = firstMeaningfulByte(head);
  return first < head.length && head[first] === OPEN_BRACE;
}

function jsonLinesFormat(name: string, shape: DocumentShape): DocumentFileFormat {
  return {
    ...JSON_TEXT,
    name,
    label: "JSON Lines",
    extensions: [".jsonl", ".ndjson"],
    exportable: shape === "pair",
    detect: shape === "pair" ? startsPairLine : startsNameDocLine,
    read: (chunks, source, limits) => readJsonLinesInChunks(chunks, source, shape, limits),
    largeFileReader: {
      isWorthFor: isWorthParallel,
      read: (path, options) =>
        readJsonLinesInParallel(path, shape, { ...options.parallel, onBytesRead: options.onBytesRead }),
      warm: () => sharedJsonLinesPool().warm(),
    },
    writer: () => {
      const text = documentJsonText(shape);
      return { document: (pair) => `${text(pair)}\n`, end: () => "" };
    },
  };
}

export const jsonLines = jsonLinesFormat("jsonl", "pair");
export const nameDocJsonLines = jsonLinesFormat("name-doc-jsonl", "name-doc");
