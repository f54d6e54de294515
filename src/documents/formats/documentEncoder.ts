// Streaming encoders of documents into a format's bytes: a Transform for Node pipelines (e.g. to stdout)
// and an async generator of large byte batches, which is what file writers use.
import { Transform } from "node:stream";
import type { DocumentPair } from "../types.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { documentSerializer } from "./documentSerializer.ts";
import { CHUNK_BYTES } from "./fileChunks.ts";

/**
 * A Transform taking DocumentPairs (object mode) and giving the bytes of `format`, e.g.
 * `pipeline(Readable.from(docs), documentEncoder("jsonl"), process.stdout)`.
 */
export function documentEncoder(format: DocumentFormat): Transform {
  const serializer = documentSerializer(format);
  return new Transform({
    writableObjectMode: true,
    transform(pair: DocumentPair, _encoding, callback) {
      try {
        callback(null, serializer.document(pair));
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      const end = serializer.end();
      callback(null, end === "" ? undefined : end);
    },
  });
}

/** The bytes of `docs` in `format`, in batches of about `batchBytes` (fewer, larger writes). */
export async function* encodeDocuments(
  docs: AsyncIterable<DocumentPair> | Iterable<DocumentPair>,
  format: DocumentFormat,
  batchBytes = CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  const serializer = documentSerializer(format);
  let parts: Array<string | Buffer> = [];
  let size = 0;
  for await (const pair of docs) {
    const part = serializer.document(pair);
    parts.push(part);
    size += part.length;
    if (size >= batchBytes) {
      yield joined(parts);
      parts = [];
      size = 0;
    }
  }
  parts.push(serializer.end());
  const last = joined(parts);
  if (last.length > 0) yield last;
}

function joined(parts: Array<string | Buffer>): Buffer {
  if (parts.every((part) => typeof part === "string")) return Buffer.from(parts.join(""), "utf8");
  return Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : part)));
}
