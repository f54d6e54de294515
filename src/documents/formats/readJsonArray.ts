// Streams the documents of one JSON array of `[name, doc]` pairs or `{name, doc}` objects (a file or a
// request body): the splitter cuts the array into element texts chunk by chunk, each parsed on its own.
import { UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { toDocumentPair } from "./documentShape.ts";
import { isStackOverflow, TOO_DEEP } from "./inputDepth.ts";
import { type ArrayElement, JsonArraySplitter } from "./JsonArraySplitter.ts";
import { JsonSyntaxError, parseDocumentJson } from "./parseJson.ts";
import type { ReadLimits } from "./ReadLimits.ts";

/**
 * Yields every document of the JSON array in `chunks`; throws UnreadableError naming `source` (`byte N`)
 * after the last good one.
 */
export async function* readJsonArray(
  chunks: AsyncIterable<Buffer>,
  source: string,
  shape: DocumentShape,
  limits?: ReadLimits,
): AsyncGenerator<DocumentPair> {
  const splitter = new JsonArraySplitter(source, limits);
  for await (const chunk of chunks) {
    yield* documentsOf(splitter.push(chunk), source, shape);
    if (splitter.failure) throw splitter.failure;
  }
  yield* documentsOf(splitter.end(), source, shape);
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
      value = parseDocumentJson(element.text);
    } catch (error) {
      throw syntaxFailure(error, element, source);
    }
    yield toDocumentPair(value, shape, source, `byte ${element.offset}`, element.text.length);
  }
}

function syntaxFailure(error: unknown, element: ArrayElement, source: string): UnreadableError {
  if (isStackOverflow(error))
    return new UnreadableError(
      source,
      `byte ${element.offset}`,
      `document ${element.index + 1} is ${TOO_DEEP}`,
    );
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
