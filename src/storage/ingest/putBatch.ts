// A put, the same for every adapter: read and check the batch slice by slice and, in one write transaction of
// the adapter, resolve each slice against the store (earlier slices included) and write it, so a huge batch is
// never held whole. The run-level checks come at the end; any error or finding rolls every slice back.
import type { DocumentPair } from "../../documents/types.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { PutOptions, PutReport } from "../Store.ts";
import { BatchCollector, type CollectedSlice } from "./BatchCollector.ts";
import type { BatchProgress } from "./BatchProgress.ts";
import { rejection } from "./batchRejection.ts";
import type { IngestBackend, IngestTransaction } from "./IngestBackend.ts";
import { resolveSlice } from "./resolveSlice.ts";
import { SliceReader } from "./SliceReader.ts";

export async function putBatch(
  batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
  backend: IngestBackend,
  options: PutOptions = {},
): Promise<PutReport> {
  const collector = new BatchCollector(options);
  const reader = new SliceReader(batch, collector);
  try {
    // The first slice is read before the transaction: a batch that fits in one is checked whole before any
    // lock is taken, and a retried transaction (PostgreSQL) can start over from it. A larger batch whose
    // input is still arriving is waited for here, outside the lock.
    await readChecked(reader, collector);
    const first = collector.takeSlice();
    if (!reader.ended) await options.inputComplete;
    let slices = 1;
    let failure: unknown;
    return await backend.transaction(async (tx) => {
      // Once later slices were read and written, the batch cannot be read again: the first failure stands.
      if (slices > 1) throw failure;
      try {
        return await writeSlices(first, tx, reader, collector, () => slices++);
      } catch (error) {
        failure = error;
        throw error;
      }
    });
  } finally {
    await reader.close();
  }
}

/** Resolves and writes `first` and every slice after it; the batch's report. */
async function writeSlices(
  first: CollectedSlice,
  tx: IngestTransaction,
  reader: SliceReader,
  collector: BatchCollector,
  nextSlice: () => void,
): Promise<PutReport> {
  const progress: BatchProgress = { written: new Map(), lastRun: null };
  let stored = 0;
  let events = 0;
  const runs = new Set<string>();
  const started: string[] = [];
  const stopped: string[] = [];
  for (let slice = first; ; slice = collector.takeSlice()) {
    const { prepared, counts } = await resolveInBatch(
      () => resolveSlice(slice, tx, progress),
      reader,
      collector,
    );
    await tx.write(prepared, () => slice.buffers.release());
    stored += counts.stored;
    events += counts.events;
    for (const run of counts.runs) runs.add(run);
    for (const record of prepared.documents) {
      if (record.name === "start") started.push(record.run);
      else if (record.name === "stop") stopped.push(record.run);
    }
    if (reader.ended) break;
    await readChecked(reader, collector);
    nextSlice();
  }
  const documents = collector.documentCount;
  return {
    documents,
    stored,
    skipped: documents - stored,
    events,
    runs: [...runs],
    started,
    stopped,
    warnings: collector.warnings,
  };
}

/** Reads the next slice; at the end of the batch runs its run-level checks. Throws the batch's rejection. */
async function readChecked(reader: SliceReader, collector: BatchCollector): Promise<void> {
  await reader.readSlice();
  // A rejected batch is still read to its end, for every finding (up to MAX_FINDINGS).
  if (collector.findings.length > 0) await reader.readToEnd();
  if (reader.ended) collector.finish();
  if (collector.findings.length > 0) throw rejection(collector.findings);
}

/**
 * Resolves a slice. Should the store refuse it (a conflict, a dangling reference), the rest of the batch is
 * still read: its findings come first, as when a batch was checked whole before the store was asked.
 */
async function resolveInBatch<T>(
  resolve: () => Promise<T>,
  reader: SliceReader,
  collector: BatchCollector,
): Promise<T> {
  try {
    return await resolve();
  } catch (error) {
    const refused = error instanceof ConflictError || error instanceof ValidationError;
    if (!refused || reader.ended) throw error;
    collector.stopBuilding();
    await reader.readToEnd();
    collector.finish();
    if (collector.findings.length > 0) throw rejection(collector.findings);
    throw error;
  }
}
