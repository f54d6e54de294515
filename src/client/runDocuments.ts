// A run's documents from the server's json-seq export (/api/v1/documents/{uid}), parsed as they arrive.
// `raw=true` (databroker's own) has datums come as stored, not packed into datum_pages as the Python client
// gets them; filled arrays come as nested lists (JSON has no typed arrays). A body
// cut short (the server failed after its headers, e.g. a file missing mid-run) is an UnreadableError.
import { readDocumentChunks } from "../documents/formats/index.ts";
import type { DocumentPair } from "../documents/types.ts";
import { UnreadableError } from "../errors.ts";
import type { HttpSession } from "./HttpSession.ts";

async function* bodyChunks(body: ReadableStream<Uint8Array> | null, url: string): AsyncGenerator<Buffer> {
  if (body === null) return;
  let received = 0;
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (error) {
    // fetch reports a connection closed mid-body as a bare TypeError ("terminated").
    if (!(error instanceof TypeError)) throw error;
    throw new UnreadableError(
      url,
      `byte ${received}`,
      "the server stopped sending the run's documents part-way (it failed while reading them: see its log)",
      { cause: error },
    );
  }
}

export async function* runDocuments(
  session: HttpSession,
  uid: string,
  fill: boolean,
): AsyncGenerator<DocumentPair> {
  const url = session.url(
    "documents",
    [uid],
    [
      ["fill", String(fill)],
      ["raw", "true"],
    ],
  );
  const response = await session.request(url, { accept: "application/json-seq" });
  yield* readDocumentChunks(bodyChunks(response.body, url), "name-doc-jsonl", url);
}
