// The documents of an ingest request body, parsed while the body streams in (never buffered whole): the
// Content-Type must be one a registered document format accepts (JSON, JSON Lines / RFC 7464 json-seq,
// msgpack), the first bytes pick the format, and that format's streaming reader does the rest.

import { type DocumentItem, DocumentStream } from "../../documents/formats/DocumentStream.ts";
import { detectFormat } from "../../documents/formats/detectFormat.ts";
import { readDocumentChunks } from "../../documents/formats/index.ts";
import type { ReadLimits } from "../../documents/formats/ReadLimits.ts";
import { documentFormatNamed, documentFormats } from "../../documents/formats/registry.ts";
import { UnreadableError, UnsupportedError } from "../../errors.ts";

/** How errors name the body: `request body: line 3: invalid JSON ...`. */
export const BODY_SOURCE = "request body";

/** Types whose records may start with json-seq's record separator. */
const RECORD_SEPARATED: ReadonlySet<string> = new Set([
  "application/json-seq",
  "application/x-ndjson",
  "application/jsonl",
]);

/** The Content-Types a body of documents may have: those of the registered formats, each once. */
export function ingestMediaTypes(): string[] {
  return [...new Set(documentFormats().flatMap((format) => format.mediaTypes))];
}

/** Enough of the body to tell its format, past the whitespace of pretty-printed JSON. */
const HEAD_BYTES = 4096;
const RECORD_SEPARATOR = 0x1e;

/** The media type of a Content-Type, lowercase; UnsupportedError for a type that holds no documents. */
export function ingestMediaTypeOf(contentType: string | undefined): string {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const accepted = ingestMediaTypes();
  if (accepted.includes(mediaType)) return mediaType;
  throw new UnsupportedError(
    `cannot ingest a body of type ${mediaType === "" ? "(none)" : JSON.stringify(mediaType)}: send ${accepted.join(", ")}`,
  );
}

/**
 * json-seq records start with the RS byte (0x1e). It never occurs inside JSON text nor inside a multi-byte
 * UTF-8 sequence, so turning it into a space makes json-seq plain JSON Lines for the line reader.
 */
async function* separatorsAsSpaces(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (!chunk.includes(RECORD_SEPARATOR)) {
      yield chunk;
      continue;
    }
    const copy = Buffer.from(chunk);
    for (let i = copy.indexOf(RECORD_SEPARATOR); i >= 0; i = copy.indexOf(RECORD_SEPARATOR, i + 1))
      copy[i] = 0x20;
    yield copy;
  }
}

/** Bytes other than JSON whitespace seen so far (counting stops at 2), after `chunk`. */
function meaningfulBytes(chunk: Buffer, seen: number): number {
  let count = seen;
  for (let i = 0; i < chunk.length && count < 2; i++) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) count++;
  }
  return count;
}

/**
 * The first chunks — until two bytes that are not whitespace have come (all detectFormat looks at: `[` and
 * what follows it), HEAD_BYTES, or the end — and the rest of the body after them. Waiting for no more keeps
 * a slow client's first documents flowing.
 */
async function splitHead(
  chunks: AsyncIterable<Buffer>,
): Promise<{ head: Buffer[]; rest: AsyncIterator<Buffer> }> {
  const rest = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let bytes = 0;
  let meaningful = 0;
  while (bytes < HEAD_BYTES && meaningful < 2) {
    const step = await rest.next();
    if (step.done) break;
    head.push(step.value);
    bytes += step.value.length;
    meaningful = meaningfulBytes(step.value, meaningful);
  }
  return { head, rest };
}

async function* rejoined(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (let step = await rest.next(); !step.done; step = await rest.next()) yield step.value;
}

/**
 * Every document of a request body of type `contentType`, in order, as the body arrives (read once). Throws
 * UnsupportedError for a media type that holds no documents, UnreadableError (naming the line or byte)
 * for a body that is not what it claims or is damaged, after yielding the documents before the damage.
 */
export function requestDocuments(
  body: AsyncIterable<Buffer>,
  contentType: string | undefined,
  limits?: ReadLimits,
): DocumentStream {
  return new DocumentStream(() => documentChunks(body, contentType, limits));
}

async function* documentChunks(
  body: AsyncIterable<Buffer>,
  contentType: string | undefined,
  limits?: ReadLimits,
): AsyncGenerator<readonly DocumentItem[]> {
  const mediaType = ingestMediaTypeOf(contentType);
  const chunks = RECORD_SEPARATED.has(mediaType) ? separatorsAsSpaces(body) : body;
  const { head, rest } = await splitHead(chunks);
  const format = documentFormatNamed(detectFormat(Buffer.concat(head), BODY_SOURCE));
  if (!format.mediaTypes.includes(mediaType)) {
    throw new UnreadableError(
      BODY_SOURCE,
      "byte 0",
      `the body is declared ${contentType} but holds ${format.encoding}`,
    );
  }
  if (head.length === 0) throw new UnreadableError(BODY_SOURCE, "byte 0", "the body is empty: no documents");
  yield* readDocumentChunks(rejoined(head, rest), format.name, BODY_SOURCE, limits).chunks();
}
