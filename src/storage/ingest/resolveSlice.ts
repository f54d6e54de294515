// Second pass of a put, inside the adapter's write transaction, slice by slice: compare a collected slice with
// what the store holds (earlier slices of the batch included: they are written in the same transaction).
// Identical documents are skipped (idempotence), a different document under a known uid is a conflict, every
// reference must reach a run, descriptor or resource of the store or the batch. The result is the
// PreparedBatch the adapter writes, and the slice's share of the PutReport.
import { ConflictError, type Finding, ValidationError } from "../../errors.ts";
import { encodeExact } from "../codec/exactMsgpack.ts";
import type { FieldStats } from "../FieldStats.ts";
import { datumsOfPage, filterDatumPage } from "../pages/datumPageRecord.ts";
import { eventsOfPage, filterEventPage } from "../pages/eventPageRecord.ts";
import {
  type DatumPageRecord,
  type DocumentRecord,
  type EventPageRecord,
  LOG_DATUMS,
  LOG_DOCUMENT,
  LOG_EVENTS,
  type LogEntry,
  type PreparedBatch,
  type SingletonName,
  type StreamCount,
} from "../records.ts";
import type { BatchEntry, BatchSingleton, CollectedSlice } from "./BatchCollector.ts";
import { MAX_FINDINGS } from "./BatchCollector.ts";
import { mergeStatsInto } from "./fieldStats.ts";
import { describeDifference, firstDifference } from "./firstDifference.ts";
import type { IngestTransaction, StoredDocument } from "./IngestBackend.ts";

type Doc = Record<string, unknown>;

/** A document the batch can refer to: stored already, or new in this batch. */
interface Known {
  name: SingletonName;
  doc: Doc;
  run: string | null;
}

/** What the slices of one put carry from one to the next. */
export interface BatchProgress {
  /** Singletons written by earlier slices, with their doc_index (conflicts name them as of this batch). */
  written: Map<string, number>;
  /** The run of the last document of earlier slices that had one (old resources join it). */
  lastRun: string | null;
}

/** A slice's share of the PutReport. */
export interface SliceCounts {
  stored: number;
  events: number;
  runs: string[];
}

export interface ResolvedSlice {
  prepared: PreparedBatch;
  counts: SliceCounts;
}

/** Builds the rejection of a batch from its findings. */
export function rejection(findings: Finding[]): ValidationError {
  const first = findings[0];
  const where = first.doc_index === undefined ? first.name : `document ${first.doc_index} (${first.name})`;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
  return new ValidationError(
    `batch rejected, nothing stored: ${where}${first.path ? ` ${first.path}` : ""}: ${first.message}${more}`,
    findings,
  );
}

/** The stream name of a descriptor; databroker's default for an unnamed one is "primary". */
function streamOf(descriptor: Doc): string {
  return typeof descriptor.name === "string" ? descriptor.name : "primary";
}

class BatchResolver {
  private readonly findings: Finding[] = [];
  private stored = new Map<string, StoredDocument>();
  /** New singletons of the batch by uid (the first of identical repeats). */
  private readonly fresh = new Map<string, BatchSingleton>();
  /** Runs of the new singletons, once known. */
  private readonly freshRuns = new Map<string, string>();
  private readonly singletonAt = new Map<number, BatchSingleton>();
  private readonly skippedSingletons = new Set<number>();
  /** Run of every entry, by position in `entries`. */
  private readonly entryRuns: Array<string | null>;
  /** For pages partly stored already: which rows are kept (absent: all; a page with none kept is dropped). */
  private readonly keptRows = new Map<number, boolean[]>();
  private readonly eventPages: Map<number, EventPageRecord>;
  private readonly datumPages: Map<number, DatumPageRecord>;

  constructor(
    private readonly batch: CollectedSlice,
    private readonly tx: IngestTransaction,
    private readonly progress: BatchProgress,
  ) {
    this.entryRuns = new Array(batch.entries.length).fill(null);
    this.eventPages = new Map(batch.eventPages);
    this.datumPages = new Map(batch.datumPages);
    for (const singleton of batch.singletons) this.singletonAt.set(singleton.docIndex, singleton);
  }

  async resolve(): Promise<ResolvedSlice> {
    await this.lookUpStored();
    this.skipIdenticalSingletons();
    this.assignRuns();
    if (this.findings.length > 0) throw rejection(this.findings);
    await this.checkStops();
    await this.skipStoredEvents();
    await this.skipStoredDatums();
    const prepared: PreparedBatch = {
      documents: this.documentRecords(),
      // In page number order, so every adapter numbers them the same way.
      eventPages: [...this.eventPages.values()].sort((a, b) => a.pageNo - b.pageNo),
      datumPages: [...this.datumPages.values()].sort((a, b) => a.pageNo - b.pageNo),
      logs: this.logs(),
      streamCounts: this.streamCounts(),
      fieldStats: await this.fieldStats(),
    };
    for (const record of prepared.documents) {
      this.progress.written.set(record.uid, this.fresh.get(record.uid)!.docIndex);
    }
    return { prepared, counts: this.counts(prepared) };
  }

  private known(uid: unknown): Known | undefined {
    if (typeof uid !== "string") return undefined;
    const fresh = this.fresh.get(uid);
    if (fresh) return { name: fresh.name, doc: fresh.doc, run: this.freshRuns.get(uid) ?? null };
    const stored = this.stored.get(uid);
    return stored && { name: stored.name, doc: stored.doc, run: stored.run };
  }

  private async lookUpStored(): Promise<void> {
    const uids = new Set<string>();
    const add = (uid: unknown) => typeof uid === "string" && uids.add(uid);
    for (const { uid, doc } of this.batch.singletons) {
      add(uid);
      add(doc.run_start);
      add(doc.descriptor);
      add(doc.stream_resource);
    }
    for (const page of this.eventPages.values()) add(page.descriptor);
    for (const page of this.datumPages.values()) add(page.resource);
    this.stored = await this.tx.documents([...uids]);
  }

  private skipIdenticalSingletons(): void {
    for (const singleton of this.batch.singletons) {
      const earlier = this.stored.get(singleton.uid) ?? this.fresh.get(singleton.uid);
      if (!earlier) {
        this.fresh.set(singleton.uid, singleton);
        continue;
      }
      const earlierIndex =
        "docIndex" in earlier ? earlier.docIndex : this.progress.written.get(singleton.uid);
      const where = earlierIndex !== undefined ? `document ${earlierIndex} of this batch` : "the store";
      if (earlier.name !== singleton.name) {
        throw new ConflictError(
          `${singleton.name} ${singleton.uid} (document ${singleton.docIndex}) conflicts with the ${earlier.name} ` +
            `${singleton.uid} in ${where}: documents of different kinds cannot share a uid`,
        );
      }
      const difference = firstDifference(earlier.doc, singleton.doc);
      if (difference) {
        throw new ConflictError(
          `${singleton.name} ${singleton.uid} (document ${singleton.docIndex}) conflicts with the ${earlier.name} ` +
            `${singleton.uid} in ${where}: ${describeDifference(difference)}`,
        );
      }
      this.skippedSingletons.add(singleton.docIndex);
    }
  }

  private unresolved(entry: BatchEntry, name: string, path: string, target: string, uid: unknown): void {
    if (this.findings.length >= MAX_FINDINGS) return;
    this.findings.push({
      doc_index: entry.docIndex,
      name,
      path,
      rule: "reference",
      message: `${name}: ${path} ${JSON.stringify(uid)} names no ${target} in the store or in this batch`,
    });
  }

  /** The run of a document that names a run_start. */
  private runStartOf(entry: BatchEntry, singleton: BatchSingleton): string | null {
    const runStart = singleton.doc.run_start;
    if (this.known(runStart)?.name === "start") return runStart as string;
    this.unresolved(entry, singleton.name, "run_start", "run", runStart);
    return null;
  }

  /** Every entry gets its run; references that reach nothing become findings. */
  private assignRuns(): void {
    const entries = this.batch.entries;
    // Runs of starts, stops, descriptors and resources first: events and datums reach runs through them.
    entries.forEach((entry, i) => {
      if (entry.kind !== "document") return;
      const singleton = this.singletonAt.get(entry.docIndex)!;
      let run: string | null = null;
      if (singleton.name === "start") run = singleton.uid;
      else if (singleton.name === "stop" || singleton.name === "descriptor")
        run = this.runStartOf(entry, singleton);
      else if (singleton.name !== "stream_datum" && singleton.doc.run_start !== undefined) {
        run = this.runStartOf(entry, singleton);
      }
      this.entryRuns[i] = run;
      if (run !== null && this.fresh.get(singleton.uid) === singleton) this.freshRuns.set(singleton.uid, run);
    });
    // Then what reaches its run through a descriptor; resources without run_start join the run around them.
    let previous: string | null = this.progress.lastRun;
    entries.forEach((entry, i) => {
      const run = this.entryRuns[i] ?? this.runThroughDescriptor(entry);
      this.entryRuns[i] = run;
      if (run !== null) previous = run;
      else if (this.isRunlessResource(entry) && previous !== null) this.setResourceRun(i, previous);
    });
    this.progress.lastRun = previous;
    let next: string | null = null;
    for (let i = entries.length - 1; i >= 0; i--) {
      const run = this.entryRuns[i];
      if (run !== null && entries[i].kind !== "datums") next = run;
      else if (run === null && this.isRunlessResource(entries[i]) && next !== null)
        this.setResourceRun(i, next);
    }
    entries.forEach((entry, i) => {
      if (entry.kind === "datums") this.entryRuns[i] = this.runThroughResource(entry);
      else if (this.entryRuns[i] === null && this.isRunlessResource(entry)) {
        const singleton = this.singletonAt.get(entry.docIndex)!;
        this.unresolved(
          entry,
          singleton.name,
          "run_start",
          "run (it has no run_start and the batch names none)",
          null,
        );
      }
    });
  }

  private isRunlessResource(entry: BatchEntry): boolean {
    if (entry.kind !== "document") return false;
    const singleton = this.singletonAt.get(entry.docIndex)!;
    return (
      (singleton.name === "resource" || singleton.name === "stream_resource") &&
      singleton.doc.run_start === undefined
    );
  }

  private setResourceRun(i: number, run: string): void {
    this.entryRuns[i] = run;
    const singleton = this.singletonAt.get(this.batch.entries[i].docIndex)!;
    if (this.fresh.get(singleton.uid) === singleton) this.freshRuns.set(singleton.uid, run);
  }

  private runThroughDescriptor(entry: BatchEntry): string | null {
    if (entry.kind === "events") {
      const descriptor = this.eventPages.get(entry.pageNo)!.descriptor;
      const known = this.known(descriptor);
      if (known?.name === "descriptor") return known.run;
      this.unresolved(entry, "event", "descriptor", "descriptor", descriptor);
      return null;
    }
    if (entry.kind !== "document") return null;
    const singleton = this.singletonAt.get(entry.docIndex)!;
    if (singleton.name !== "stream_datum") return null;
    const streamResource = this.known(singleton.doc.stream_resource);
    if (streamResource?.name !== "stream_resource") {
      this.unresolved(
        entry,
        "stream_datum",
        "stream_resource",
        "stream_resource",
        singleton.doc.stream_resource,
      );
    }
    const descriptor = this.known(singleton.doc.descriptor);
    if (descriptor?.name === "descriptor") {
      if (this.fresh.get(singleton.uid) === singleton && descriptor.run)
        this.freshRuns.set(singleton.uid, descriptor.run);
      return descriptor.run;
    }
    this.unresolved(entry, "stream_datum", "descriptor", "descriptor", singleton.doc.descriptor);
    return null;
  }

  private runThroughResource(entry: BatchEntry & { kind: "events" | "datums" }): string | null {
    const resource = this.datumPages.get(entry.pageNo)!.resource;
    const known = this.known(resource);
    if (known?.name === "resource" && known.run !== null) return known.run;
    if (known?.name !== "resource") this.unresolved(entry, "datum", "resource", "resource", resource);
    return null;
  }

  /** A run has at most one stop: a second, different one is a conflict. */
  private async checkStops(): Promise<void> {
    const newStops = new Map<string, string>();
    this.batch.entries.forEach((entry, i) => {
      if (entry.kind !== "document") return;
      const singleton = this.singletonAt.get(entry.docIndex)!;
      if (singleton.name !== "stop" || this.skippedSingletons.has(entry.docIndex)) return;
      const run = this.entryRuns[i]!;
      const other = newStops.get(run);
      if (other !== undefined) {
        throw new ConflictError(
          `stop ${singleton.uid} conflicts with stop ${other} of this batch: run ${run} has one stop`,
        );
      }
      newStops.set(run, singleton.uid);
    });
    if (newStops.size === 0) return;
    const storedStops = await this.tx.stops([...newStops.keys()]);
    for (const [run, uid] of newStops) {
      const stored = storedStops.get(run);
      if (stored !== undefined && stored !== uid) {
        throw new ConflictError(
          `stop ${uid} conflicts with the stored stop ${stored}: run ${run} has one stop`,
        );
      }
    }
  }

  /**
   * Whether `uid` is a document of this batch (this slice or an earlier one): its events or datums cannot have
   * been stored before the batch, so they need no comparison (nor a read of the slices written before).
   */
  private newInBatch(uid: string): boolean {
    return this.fresh.has(uid) || this.progress.written.has(uid);
  }

  /** Events of descriptors already stored: identical ones are skipped, different ones conflict. */
  private async skipStoredEvents(): Promise<void> {
    const byDescriptor = new Map<string, EventPageRecord[]>();
    for (const page of this.eventPages.values()) {
      if (this.newInBatch(page.descriptor)) continue;
      const pages = byDescriptor.get(page.descriptor) ?? [];
      pages.push(page);
      byDescriptor.set(page.descriptor, pages);
    }
    for (const [descriptor, pages] of byDescriptor) {
      const first = pages.reduce((low, page) => Math.min(low, page.seqFirst), Number.POSITIVE_INFINITY);
      const last = pages.reduce((high, page) => Math.max(high, page.seqLast), Number.NEGATIVE_INFINITY);
      const storedPages = await this.tx.eventPages(descriptor, first, last);
      if (storedPages.length === 0) continue;
      const storedEvents = new Map(
        storedPages.flatMap((page) => eventsOfPage(page)).map((event) => [event.seq_num, event]),
      );
      for (const page of pages) {
        const keep = eventsOfPage(page).map((event) => {
          const stored = storedEvents.get(event.seq_num);
          if (!stored) return true;
          const difference = firstDifference(stored, event);
          if (difference) {
            throw new ConflictError(
              `event ${event.uid} (descriptor ${descriptor}, seq_num ${event.seq_num}) conflicts with the stored event ` +
                `${stored.uid}: ${describeDifference(difference)}`,
            );
          }
          return false;
        });
        this.keepRows(page.pageNo, keep, this.eventPages, filterEventPage);
      }
    }
  }

  /** Datums of resources already stored: identical ones (by datum_id) are skipped, different ones conflict. */
  private async skipStoredDatums(): Promise<void> {
    const byResource = new Map<string, DatumPageRecord[]>();
    for (const page of this.datumPages.values()) {
      if (this.newInBatch(page.resource)) continue;
      const pages = byResource.get(page.resource) ?? [];
      pages.push(page);
      byResource.set(page.resource, pages);
    }
    for (const [resource, pages] of byResource) {
      const storedPages = await this.tx.datumPages(resource);
      if (storedPages.length === 0) continue;
      const storedDatums = new Map(
        storedPages.flatMap((page) => datumsOfPage(page)).map((datum) => [datum.datum_id, datum]),
      );
      for (const page of pages) {
        const keep = datumsOfPage(page).map((datum) => {
          const stored = storedDatums.get(datum.datum_id);
          if (!stored) return true;
          const difference = firstDifference(stored, datum);
          if (difference) {
            throw new ConflictError(
              `datum ${datum.datum_id} conflicts with the stored datum ${stored.datum_id}: ${describeDifference(difference)}`,
            );
          }
          return false;
        });
        this.keepRows(page.pageNo, keep, this.datumPages, filterDatumPage);
      }
    }
  }

  private keepRows<P>(
    pageNo: number,
    keep: boolean[],
    pages: Map<number, P>,
    filter: (page: P, keep: boolean[]) => P,
  ): void {
    if (keep.every(Boolean)) return;
    this.keptRows.set(pageNo, keep);
    if (keep.some(Boolean)) pages.set(pageNo, filter(pages.get(pageNo)!, keep));
    else pages.delete(pageNo);
  }

  private documentRecords(): DocumentRecord[] {
    const records: DocumentRecord[] = [];
    for (const [uid, singleton] of this.fresh) {
      const run = this.freshRuns.get(uid);
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

  /** An entry's rows as kept segments `[from, count]` renumbered within the (possibly filtered) page. */
  private keptSegments(
    entry: BatchEntry & { kind: "events" | "datums" },
  ): Array<[from: number, count: number, offset: number]> {
    const keep = this.keptRows.get(entry.pageNo);
    if (!keep) return [[entry.from, entry.count, 0]];
    const segments: Array<[number, number, number]> = [];
    let renumbered = keep.slice(0, entry.from).filter(Boolean).length;
    for (let row = entry.from; row < entry.from + entry.count; row++) {
      if (!keep[row]) continue;
      const last = segments[segments.length - 1];
      if (last && last[0] + last[1] === renumbered && last[2] + last[1] === row - entry.from) last[1]++;
      else segments.push([renumbered, 1, row - entry.from]);
      renumbered++;
    }
    return segments;
  }

  private logs(): PreparedBatch["logs"] {
    const logs = new Map<string, LogEntry[]>();
    this.batch.entries.forEach((entry, i) => {
      const run = this.entryRuns[i]!;
      const log = logs.get(run) ?? [];
      logs.set(run, log);
      if (entry.kind === "document") {
        if (!this.skippedSingletons.has(entry.docIndex)) log.push([LOG_DOCUMENT, entry.uid]);
        return;
      }
      const kind = entry.kind === "events" ? LOG_EVENTS : LOG_DATUMS;
      for (const [from, count] of this.keptSegments(entry)) log.push([kind, entry.pageNo, from, count]);
    });
    return [...logs].map(([run, entries]) => ({ run, entries }));
  }

  private descriptorDoc(uid: string): Doc {
    return (this.fresh.get(uid)?.doc ?? this.stored.get(uid)?.doc)!;
  }

  private streamCounts(): StreamCount[] {
    const counts = new Map<string, StreamCount>();
    const countOf = (descriptor: string): StreamCount => {
      let count = counts.get(descriptor);
      if (!count) {
        const run = this.known(descriptor)!.run!;
        count = { run, descriptor, stream: streamOf(this.descriptorDoc(descriptor)), added: 0 };
        counts.set(descriptor, count);
      }
      return count;
    };
    for (const [uid, singleton] of this.fresh) if (singleton.name === "descriptor") countOf(uid);
    for (const page of this.eventPages.values()) countOf(page.descriptor).added += page.length;
    return [...counts.values()];
  }

  private async fieldStats(): Promise<PreparedBatch["fieldStats"]> {
    const descriptors = [...new Set([...this.eventPages.values()].map((page) => page.descriptor))];
    if (descriptors.length === 0) return [];
    const stored = await this.tx.fieldStats(descriptors.filter((uid) => !this.fresh.has(uid)));
    const totals = new Map<string, Record<string, FieldStats>>();
    for (const descriptor of descriptors) totals.set(descriptor, { ...(stored.get(descriptor) ?? {}) });
    for (const page of this.eventPages.values()) {
      const pageStats: Record<string, FieldStats> = {};
      for (const column of page.columns) if (column.stats) pageStats[column.key] = column.stats;
      mergeStatsInto(totals.get(page.descriptor)!, pageStats);
    }
    return [...totals].map(([descriptor, stats]) => ({ descriptor, stats }));
  }

  private counts(prepared: PreparedBatch): SliceCounts {
    const first = this.batch.firstDocIndex;
    const stored = new Uint8Array(this.batch.documentCount);
    const runs = new Set<string>();
    this.batch.entries.forEach((entry, i) => {
      const run = this.entryRuns[i];
      if (run !== null) runs.add(run);
      if (entry.kind === "document") {
        if (!this.skippedSingletons.has(entry.docIndex)) stored[entry.docIndex - first] = 1;
        return;
      }
      const page =
        entry.kind === "events"
          ? this.batch.eventPages.get(entry.pageNo)!
          : this.batch.datumPages.get(entry.pageNo)!;
      const onePerRow = page.origin === "event" || page.origin === "datum";
      for (const [, count, offset] of this.keptSegments(entry)) {
        if (!onePerRow) stored[entry.docIndex - first] = 1;
        else stored.fill(1, entry.docIndex - first + offset, entry.docIndex - first + offset + count);
      }
    });
    return {
      stored: stored.reduce((sum, flag) => sum + flag, 0),
      events: prepared.eventPages.reduce((sum, page) => sum + page.length, 0),
      runs: [...runs],
    };
  }
}

export function resolveSlice(
  slice: CollectedSlice,
  tx: IngestTransaction,
  progress: BatchProgress,
): Promise<ResolvedSlice> {
  return new BatchResolver(slice, tx, progress).resolve();
}
