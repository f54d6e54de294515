// A run's documents from the server's json-seq export (/api/v1/documents/{uid}), parsed as they arrive.
// The export sends datums as datum_page and filled arrays as nested lists (JSON has no typed arrays).
import { readDocumentChunks } from "../documents/formats/index.ts";
import type { DocumentPair } from "../documents/types.ts";
import type { HttpSession } from "./HttpSession.ts";

async function* bodyChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Buffer> {
  if (body === null) return;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>)
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export async function* runDocuments(
  session: HttpSession,
  uid: string,
  fill: boolean,
): AsyncGenerator<DocumentPair> {
  const url = session.url("documents", [uid], [["fill", String(fill)]]);
  const response = await session.request(url, { accept: "application/json-seq" });
  yield* readDocumentChunks(bodyChunks(response.body), "name-doc-jsonl", url);
}
