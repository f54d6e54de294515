// What a resolved slice writes (the PreparedBatch the adapter stores: new documents, kept pages, the runs'
// logs in batch order, per-descriptor event counts and field statistics) and its share of the PutReport.
import type { DataKey } from "../../documents/types.ts";
import { emptyFieldStats, type FieldStats } from "../../queries/fieldStats.ts";
import { encodeExact } from "../codec/exactMsgpack.ts";
import {
  type DocumentRecord,
  LOG_DATUMS,
  LOG_DOCUMENT,
  LOG_EVENTS,
  type LogEntry,
  type PreparedBatch,
  type StreamCount,
} from "../records.ts";
import type { CollectedSlice } from "./BatchCollector.ts";
import { mergeStatsInto } from "./fieldStats.ts";
import type { IngestTransaction } from "./IngestBackend.ts";
import type { SliceDocuments } from "./SliceDocuments.ts";
import type { SlicePages } from "./SlicePages.ts";

/** A slice's share of the PutReport. */
export interface SliceCounts {
  stored: number;
  events: number;
  runs: string[];
}

/** A slice once resolved: its documents sorted out, the run of each entry, its pages with stored rows dropped. */
export interface ResolvedParts {
  slice: CollectedSlice;
  documents: SliceDocuments;
  /** The run of each entry of the slice, by position. */
  runs: ReadonlyArray<string | null>;
  pages: SlicePages;
}

export async function preparedBatch(parts: ResolvedParts, tx: IngestTransaction): Promise<PreparedBatch> {
  const { pages } = parts;
  return {
    documents: documentRecords(parts.documents),
    // In page number order, so every adapter numbers them the same way.
    eventPages: [...pages.eventPages.values()].sort((a, b) => a.pageNo - b.pageNo),
    datumPages: [...pages.datumPages.values()].sort((a, b) => a.pageNo - b.pageNo),
    logs: logs(parts),
    streamCounts: streamCounts(parts.documents, pages),
    fieldStats: await fieldStats(parts.documents, pages, tx),
  };
}

/** The new singletons that reached a run, encoded. */
function documentRecords(documents: SliceDocuments): DocumentRecord[] {
  const records: DocumentRecord[] = [];
  for (const [uid, singleton] of documents.fresh) {
    const run = documents.freshRuns.get(uid);
    if (run === undefined) continue;
    const parent = singleton.name === "stream_datum" ? (singleton.doc.stream_resource as string) : null;
    records.push({
      uid,
      name: singleton.name,
      run,
      parent,
      doc: singleton.doc,
      body: encodeExact(singleton.doc),
    });
  }
  return records;
}

/** Each run's log: its new documents and kept rows, in the order of the batch. */
function logs({ slice, documents, runs, pages }: ResolvedParts): PreparedBatch["logs"] {
  const logs = new Map<string, LogEntry[]>();
  slice.entries.forEach((entry, i) => {
    const run = runs[i]!;
    const log = logs.get(run) ?? [];
    logs.set(run, log);
    if (entry.kind === "document") {
      if (!documents.skipped.has(entry.docIndex)) log.push([LOG_DOCUMENT, entry.uid]);
      return;
    }
    const kind = entry.kind === "events" ? LOG_EVENTS : LOG_DATUMS;
    for (const [from, count] of pages.keptSegments(entry)) log.push([kind, entry.pageNo, from, count]);
  });
  return [...logs].map(([run, entries]) => ({ run, entries }));
}

/** The events each descriptor gains (new descriptors counted too, with none). */
function streamCounts(documents: SliceDocuments, pages: SlicePages): StreamCount[] {
  const counts = new Map<string, StreamCount>();
  const countOf = (descriptor: string): StreamCount => {
    let count = counts.get(descriptor);
    if (!count) {
      const run = documents.known(descriptor)!.run!;
      count = { run, descriptor, stream: streamOf(documents.descriptorDoc(descriptor)), added: 0 };
      counts.set(descriptor, count);
    }
    return count;
  };
  for (const [uid, singleton] of documents.fresh) if (singleton.name === "descriptor") countOf(uid);
  for (const page of pages.eventPages.values()) countOf(page.descriptor).added += page.length;
  return [...counts.values()];
}

/** The stream name of a descriptor; databroker's default for an unnamed one is "primary". */
export function streamOf(descriptor: Record<string, unknown>): string {
  return typeof descriptor.name === "string" ? descriptor.name : "primary";
}

/**
 * Each descriptor's field statistics: the stored ones merged with those of the new pages. A new descriptor
 * starts with every declared field at no events (so `has` and empty streams are searchable); a field of
 * external data counts its events but is not indexed (its values are datum ids, not the data).
 */
async function fieldStats(
  documents: SliceDocuments,
  pages: SlicePages,
  tx: IngestTransaction,
): Promise<PreparedBatch["fieldStats"]> {
  const fresh = [...documents.fresh].filter(([, singleton]) => singleton.name === "descriptor");
  const paged = new Set([...pages.eventPages.values()].map((page) => page.descriptor));
  const descriptors = [...new Set([...fresh.map(([uid]) => uid), ...paged])];
  if (descriptors.length === 0) return [];
  const stored = await tx.fieldStats([...paged].filter((uid) => !documents.fresh.has(uid)));
  const totals = new Map<string, Record<string, FieldStats>>();
  const external = new Map<string, Set<string>>();
  for (const descriptor of descriptors) {
    const dataKeys = (documents.descriptorDoc(descriptor).data_keys ?? {}) as Record<string, DataKey>;
    external.set(descriptor, new Set(Object.keys(dataKeys).filter((key) => dataKeys[key]?.external)));
    const declared: Record<string, FieldStats> = {};
    if (documents.fresh.has(descriptor))
      for (const key in dataKeys) declared[key] = emptyFieldStats(0, !dataKeys[key]?.external);
    totals.set(descriptor, { ...declared, ...(stored.get(descriptor) ?? {}) });
  }
  for (const page of pages.eventPages.values()) {
    const pageStats: Record<string, FieldStats> = {};
    const externalKeys = external.get(page.descriptor)!;
    for (const column of page.columns) {
      if (!column.stats) continue;
      pageStats[column.key] = externalKeys.has(column.key)
        ? emptyFieldStats(column.stats.events, false)
        : column.stats;
    }
    mergeStatsInto(totals.get(page.descriptor)!, pageStats);
  }
  return [...totals].map(([descriptor, stats]) => ({ descriptor, stats }));
}

/** How many documents of the slice were stored (a page stored in part counts), its events, its runs. */
export function sliceCounts(
  { slice, documents, runs, pages }: ResolvedParts,
  prepared: PreparedBatch,
): SliceCounts {
  const first = slice.firstDocIndex;
  const stored = new Uint8Array(slice.documentCount);
  const runSet = new Set<string>();
  slice.entries.forEach((entry, i) => {
    const run = runs[i];
    if (run !== null) runSet.add(run);
    if (entry.kind === "document") {
      if (!documents.skipped.has(entry.docIndex)) stored[entry.docIndex - first] = 1;
      return;
    }
    const page =
      entry.kind === "events" ? slice.eventPages.get(entry.pageNo)! : slice.datumPages.get(entry.pageNo)!;
    const onePerRow = page.origin === "event" || page.origin === "datum";
    for (const [, count, offset] of pages.keptSegments(entry)) {
      if (!onePerRow) stored[entry.docIndex - first] = 1;
      else stored.fill(1, entry.docIndex - first + offset, entry.docIndex - first + offset + count);
    }
  });
  return {
    stored: stored.reduce((sum, flag) => sum + flag, 0),
    events: prepared.eventPages.reduce((sum, page) => sum + page.length, 0),
    runs: [...runSet],
  };
}
