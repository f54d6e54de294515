// Second pass of a put, inside the adapter's write transaction, slice by slice: compare a collected slice with
// what the store holds (earlier slices of the batch included: they are written in the same transaction).
// Identical documents are skipped (idempotence), a different document under a known uid is a conflict, every
// reference must reach a run, descriptor or resource of the store or the batch. The result is the
// PreparedBatch the adapter writes, and the slice's share of the PutReport.
import type { PreparedBatch } from "../records.ts";
import { assignRuns } from "./assignRuns.ts";
import type { CollectedSlice } from "./BatchCollector.ts";
import type { BatchProgress } from "./BatchProgress.ts";
import { rejection } from "./batchRejection.ts";
import { checkStops } from "./checkStops.ts";
import type { IngestTransaction } from "./IngestBackend.ts";
import { preparedBatch, type SliceCounts, sliceCounts } from "./preparedSlice.ts";
import { SliceDocuments } from "./SliceDocuments.ts";
import { SlicePages } from "./SlicePages.ts";

export interface ResolvedSlice {
  prepared: PreparedBatch;
  counts: SliceCounts;
}

export async function resolveSlice(
  slice: CollectedSlice,
  tx: IngestTransaction,
  progress: BatchProgress,
): Promise<ResolvedSlice> {
  const documents = await SliceDocuments.lookUp(slice, tx, progress);
  const { runs, findings } = assignRuns(slice, documents, progress);
  if (findings.length > 0) throw rejection(findings);
  await checkStops(slice, documents, runs, tx);
  const pages = new SlicePages(slice);
  await pages.skipStored(tx, (uid) => documents.newInBatch(uid));
  const parts = { slice, documents, runs, pages };
  const prepared = await preparedBatch(parts, tx);
  for (const record of prepared.documents) {
    progress.written.set(record.uid, documents.fresh.get(record.uid)!.docIndex);
  }
  return { prepared, counts: sliceCounts(parts, prepared) };
}
