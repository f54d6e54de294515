// Streams the documents of a file holding one JSON array of `[name, doc]` pairs or `{name, doc}` objects:
// the splitter cuts the array into element texts chunk by chunk, and each element is parsed on its own.
import { UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { toDocumentPair } from "./documentShape.ts";
import { fileChunks } from "./fileChunks.ts";
import { type ArrayElement, JsonArraySplitter } from "./JsonArraySplitter.ts";
import { JsonSyntaxError, parseJson } from "./parseJson.ts";

/** Yields every document of a JSON array file; throws UnreadableError (`byte N`) after the last good one. */
export async function* readJsonArray(path: string, shape: DocumentShape): AsyncGenerator<DocumentPair> {
  const splitter = new JsonArraySplitter(path);
  for await (const chunk of fileChunks(path)) {
    yield* documentsOf(splitter.push(chunk), path, shape);
    if (splitter.failure) throw splitter.failure;
  }
  yield* documentsOf(splitter.end(), path, shape);
  if (splitter.failure) throw splitter.failure;
}

function* documentsOf(
  elements: ArrayElement[],
  source: string,
  shape: DocumentShape,
): Generator<DocumentPair> {
  for (const element of elements) {
    let value: unknown;
    try {
      value = parseJson(element.text);
    } catch (error) {
      throw syntaxFailure(error, element, source);
    }
    yield toDocumentPair(value, shape, source, `byte ${element.offset}`);
  }
}

function syntaxFailure(error: unknown, element: ArrayElement, source: string): UnreadableError {
  if (!(error instanceof JsonSyntaxError)) {
    return new UnreadableError(source, `byte ${element.offset}`, `invalid JSON: ${error}`, { cause: error });
  }
  const byte = element.offset + Buffer.byteLength(element.text.slice(0, error.position));
  return new UnreadableError(
    source,
    `byte ${byte}`,
    `invalid JSON in document ${element.index + 1} (which starts at byte ${element.offset}): ${error.reason}`,
    { cause: error },
  );
}
