// A put, the same for every adapter: collect and check the batch, then in one write transaction of the
// adapter resolve it against the store and write it. Any error rolls the whole batch back.
import type { DocumentPair } from "../../documents/types.ts";
import type { PutReport } from "../Store.ts";
import { collectBatch } from "./collectBatch.ts";
import type { IngestBackend } from "./IngestBackend.ts";
import { rejection, resolveBatch } from "./resolveBatch.ts";

export async function putBatch(
  batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
  backend: IngestBackend,
): Promise<PutReport> {
  const collected = await collectBatch(batch);
  if (collected.findings.length > 0) throw rejection(collected.findings);
  return backend.transaction(async (tx) => {
    const { prepared, report } = await resolveBatch(collected, tx);
    await tx.write(prepared);
    // The adapter has copied the pages it wrote: their buffers can serve the next batch.
    if (tx.copiesWrites) collected.buffers.release();
    return report;
  });
}
