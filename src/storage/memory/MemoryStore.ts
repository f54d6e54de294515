// The memory adapter: the same records the SQLite adapter writes, kept in plain Maps, with the same shared
// ingest and replay; queries are evaluated in JavaScript, which is this adapter's native language.
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import { compareRuns } from "../../catalog/runOrder.ts";
import type { SeqRange } from "../../catalog/SeqRange.ts";
import type { SortKey } from "../../catalog/SortKey.ts";
import type {
  DatumPage,
  DocumentPair,
  EventDescriptor,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../../documents/types.ts";
import { NotFoundError } from "../../errors.ts";
import { readsAnnotations } from "../../queries/annotationKeys.ts";
import { compareCodePoints } from "../../queries/compareValues.ts";
import { distinctStatOf, distinctStatScope } from "../../queries/dataKey.ts";
import { type DistinctValue, distinctValues } from "../../queries/distinct.ts";
import { type FieldListing, listFields } from "../../queries/fieldListing.ts";
import type { FieldStats, StreamStats } from "../../queries/fieldStats.ts";
import { type RunMetadata, RunQuery, valueAt } from "../../queries/matches.ts";
import { ALL, type Query, type QueryKey } from "../../queries/Query.ts";
import { deadlineChecker } from "../../queries/SearchDeadline.ts";
import { searchableByRun } from "../annotationRows.ts";
import type { ColumnPage, ColumnReadOptions } from "../ColumnPage.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import { type DeletionRequest, deletionOf, type RunDeletion } from "../deletions.ts";
import { mergeStatsInto } from "../ingest/fieldStats.ts";
import type { IngestBackend, IngestTransaction, StoredDocument } from "../ingest/IngestBackend.ts";
import { putBatch } from "../ingest/putBatch.ts";
import { rewriteFieldStats } from "../ingest/rewriteFieldStats.ts";
import { columnSelection } from "../pages/columnSelection.ts";
import { datumPageDocument } from "../pages/datumPageRecord.ts";
import { columnPageOf } from "../pages/eventPageRecord.ts";
import { sliceColumnPage } from "../pages/sliceColumnPage.ts";
import { RunChanges, type RunsListener } from "../RunChanges.ts";
import type { DatumPageRecord, EventPageRecord, LogEntry, PreparedBatch, SingletonName } from "../records.ts";
import { type BatchedDocument, type ReplaySource, replayBatches, replayRun } from "../replay.ts";
import { describeRef, MAX_LISTED, MIN_PREFIX, parseRunRef, pickByPrefix, tooShortPrefix } from "../runRef.ts";
import type {
  PutFieldStatsOptions,
  PutOptions,
  PutReport,
  SearchOptions,
  Store,
  StoreRunsOptions,
  UnindexedField,
} from "../Store.ts";
import { touchedStreams } from "../streamStatsSql.ts";
import { WriteQueue } from "../WriteQueue.ts";
import { MemoryAccess } from "./MemoryAccess.ts";
import { MemoryAnnotations } from "./MemoryAnnotations.ts";
import { StagedWrites } from "./StagedWrites.ts";

interface StoredRecord {
  name: SingletonName;
  run: string;
  parent: string | null;
  body: Uint8Array;
}

interface RunRow {
  uid: string;
  /** start, stop and descriptors as JSON sees them: what queries evaluate. */
  metadata: RunMetadata & { descriptors: unknown[] };
  stopUid: string | null;
}

interface Paged<R> {
  batch: number;
  record: R;
}

interface StreamRow {
  run: string;
  stream: string;
  events: number;
}

/** A JSON copy: what a JSON column would hold (non-finite numbers become null). */
function jsonView(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc));
}

export class MemoryStore implements Store {
  readonly uri = "memory:";
  readonly access: AccessRecords = new MemoryAccess();
  readonly annotations = new MemoryAnnotations((uid) => this.runRows.has(uid));
  private readonly runRows = new Map<string, RunRow>();
  private readonly records = new Map<string, StoredRecord>();
  private readonly runRecords = new Map<string, string[]>();
  private readonly childRecords = new Map<string, string[]>();
  private readonly streamRows = new Map<string, StreamRow>();
  private readonly eventPagesByDescriptor = new Map<string, Array<Paged<EventPageRecord>>>();
  private readonly eventPagesByKey = new Map<string, EventPageRecord>();
  private readonly datumPagesByResource = new Map<string, Array<Paged<DatumPageRecord>>>();
  private readonly datumPagesByKey = new Map<string, DatumPageRecord>();
  private readonly logs = new Map<string, Array<{ batch: number; entries: LogEntry[] }>>();
  private readonly stats = new Map<string, Record<string, FieldStats>>();
  private batches = 0;
  private readonly queue = new WriteQueue();
  /** The audit of deleted runs: kept as long as the store (nothing of a memory catalog outlives it). */
  private readonly deleted: RunDeletion[] = [];

  private readonly changes = new RunChanges();

  /** Writes as one transaction: the slices of a put are staged and only applied once it succeeds. */
  private readonly backend: IngestBackend = {
    transaction: (work) =>
      this.queue.run(async () => {
        const staged = new StagedWrites();
        const result = await work(this.transaction(staged));
        for (const prepared of staged.batches) this.write(prepared);
        return result;
      }),
  };

  async put(
    batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
    options?: PutOptions,
  ): Promise<PutReport> {
    const report = await putBatch(batch, this.backend, options);
    this.changes.emit(report);
    return report;
  }

  watchRuns(listener: RunsListener): () => void {
    return this.changes.watch(listener);
  }

  putFieldStats(
    descriptorUid: string,
    stats: Record<string, FieldStats>,
    options?: PutFieldStatsOptions,
  ): Promise<string[]> {
    return rewriteFieldStats(this.backend, descriptorUid, stats, options);
  }

  async unindexedFields(): Promise<UnindexedField[]> {
    const found: UnindexedField[] = [];
    for (const [descriptor, { run, stream }] of this.streamRows)
      for (const [field, stats] of Object.entries(this.stats.get(descriptor) ?? {}))
        if (!stats.indexed) found.push({ run, descriptor, stream, field });
    return found.sort(
      (a, b) =>
        compareCodePoints(a.run, b.run) ||
        compareCodePoints(a.descriptor, b.descriptor) ||
        compareCodePoints(a.field, b.field),
    );
  }

  private transaction(staged: StagedWrites): IngestTransaction {
    return {
      documents: async (uids) => {
        const found = new Map<string, StoredDocument>();
        for (const uid of uids) {
          const record = this.records.get(uid) ?? staged.document(uid);
          if (record)
            found.set(uid, { uid, name: record.name, run: record.run, doc: decodeExact(record.body) });
        }
        return found;
      },
      stops: async (runUids) => {
        const found = new Map<string, string>();
        for (const run of runUids) {
          const stopUid = this.runRows.get(run)?.stopUid ?? staged.stopOf(run);
          if (stopUid) found.set(run, stopUid);
        }
        return found;
      },
      eventPages: async (descriptor, first, last) =>
        (this.eventPagesByDescriptor.get(descriptor) ?? [])
          .map((paged) => paged.record)
          .concat(staged.eventPages(descriptor))
          .filter((record) => record.seqLast >= first && record.seqFirst <= last),
      datumPages: async (resource) =>
        (this.datumPagesByResource.get(resource) ?? [])
          .map((paged) => paged.record)
          .concat(staged.datumPages(resource)),
      fieldStats: async (descriptors) => {
        const found = new Map<string, Record<string, FieldStats>>();
        for (const uid of descriptors) {
          const stats = staged.fieldStats(uid) ?? this.stats.get(uid);
          if (stats) found.set(uid, stats);
        }
        return found;
      },
      write: async (batch) => staged.add(batch),
    };
  }

  private write(prepared: PreparedBatch): void {
    const batch = ++this.batches;
    for (const record of prepared.documents) {
      this.records.set(record.uid, {
        name: record.name,
        run: record.run,
        parent: record.parent,
        body: record.body,
      });
      this.listed(this.runRecords, record.run).push(record.uid);
      if (record.parent) this.listed(this.childRecords, record.parent).push(record.uid);
      if (record.name === "start") {
        this.runRows.set(record.uid, {
          uid: record.uid,
          metadata: { start: jsonView(record.doc), stop: null, descriptors: [] },
          stopUid: null,
        });
      } else if (record.name === "stop") {
        const row = this.runRows.get(record.run)!;
        row.metadata.stop = jsonView(record.doc);
        row.stopUid = record.uid;
      } else if (record.name === "descriptor") {
        this.runRows.get(record.run)!.metadata.descriptors.push(jsonView(record.doc));
      }
    }
    for (const record of prepared.eventPages) {
      this.listed(this.eventPagesByDescriptor, record.descriptor).push({ batch, record });
      this.eventPagesByKey.set(`${batch}/${record.pageNo}`, record);
    }
    for (const record of prepared.datumPages) {
      this.listed(this.datumPagesByResource, record.resource).push({ batch, record });
      this.datumPagesByKey.set(`${batch}/${record.pageNo}`, record);
    }
    for (const log of prepared.logs) this.listed(this.logs, log.run).push({ batch, entries: log.entries });
    for (const count of prepared.streamCounts) {
      const row = this.streamRows.get(count.descriptor);
      if (row) row.events += count.added;
      else
        this.streamRows.set(count.descriptor, { run: count.run, stream: count.stream, events: count.added });
    }
    for (const { descriptor, stats } of prepared.fieldStats) this.stats.set(descriptor, stats);
    for (const [run, stream] of touchedStreams(prepared.streamCounts)) this.summarizeStream(run, stream);
  }

  /** A stream's statistics over its descriptors, as the SQL adapters' stream_stats (streamStatsSql.ts). */
  private summarizeStream(run: string, stream: string): void {
    const metadata = this.runRows.get(run)!.metadata;
    const summary: StreamStats = { events: 0, fields: {} };
    for (const descriptor of metadata.descriptors) {
      const uid = (descriptor as { uid: string }).uid;
      const counted = this.streamRows.get(uid);
      if (counted?.stream !== stream) continue;
      summary.events += counted.events;
      mergeStatsInto(summary.fields, this.stats.get(uid) ?? {});
    }
    metadata.streams = { ...metadata.streams, [stream]: summary };
  }

  deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion> {
    return this.queue.run(async () => {
      const start = this.runRows.has(uid) ? this.decoded<RunStart>(uid, "start") : undefined;
      if (!start) throw new NotFoundError(`no run has uid ${uid}`);
      const deletion = deletionOf(start, request);
      this.forget(uid);
      this.annotations.deleteRun(uid);
      this.deleted.push(deletion);
      return deletion;
    });
  }

  async deletions(): Promise<RunDeletion[]> {
    return structuredClone(this.deleted);
  }

  /** Drops every record of the run; Map deletions only, so nothing can fail half-way (atomic). */
  private forget(run: string): void {
    // Each of the run's documents is the key of what hangs off it: a descriptor's event pages, counts and
    // statistics, a resource's datum pages, a stream resource's stream datums.
    for (const uid of this.runRecords.get(run) ?? []) {
      this.records.delete(uid);
      this.childRecords.delete(uid);
      this.streamRows.delete(uid);
      this.stats.delete(uid);
      for (const { batch, record } of this.eventPagesByDescriptor.get(uid) ?? [])
        this.eventPagesByKey.delete(`${batch}/${record.pageNo}`);
      this.eventPagesByDescriptor.delete(uid);
      for (const { batch, record } of this.datumPagesByResource.get(uid) ?? [])
        this.datumPagesByKey.delete(`${batch}/${record.pageNo}`);
      this.datumPagesByResource.delete(uid);
    }
    this.runRecords.delete(run);
    this.runRows.delete(run);
    this.logs.delete(run);
  }

  private listed<T>(map: Map<string, T[]>, key: string): T[] {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  }

  private decoded<T>(uid: string, name: SingletonName): T | undefined {
    const record = this.records.get(uid);
    return record?.name === name ? decodeExact<T>(record.body) : undefined;
  }

  private requireRun(runUid: string): void {
    if (!this.runRows.has(runUid)) throw new NotFoundError(`no run has uid ${runUid}`);
  }

  private runDocuments<T>(runUid: string, name: SingletonName): T[] {
    this.requireRun(runUid);
    return (this.runRecords.get(runUid) ?? [])
      .filter((uid) => this.records.get(uid)!.name === name)
      .map((uid) => decodeExact<T>(this.records.get(uid)!.body));
  }

  async start(uid: string): Promise<RunStart | undefined> {
    return this.decoded<RunStart>(uid, "start");
  }

  async stop(runUid: string): Promise<RunStop | undefined> {
    const stopUid = this.runRows.get(runUid)?.stopUid;
    return stopUid ? this.decoded<RunStop>(stopUid, "stop") : undefined;
  }

  /** Runs in the default order: newest first, ties by uid. */
  private sorted(rows: Iterable<RunRow>, sort?: SortKey[]): RunRow[] {
    return [...rows].sort((a, b) => compareRuns(a, b, sort));
  }

  async findRun(ref: RunRef): Promise<RunStart> {
    const parsed = parseRunRef(ref);
    let uid: string | undefined;
    if (parsed.kind === "uid") {
      if (this.runRows.has(parsed.uid)) uid = parsed.uid;
      else if (parsed.uid.length < MIN_PREFIX) throw tooShortPrefix(parsed.uid);
      else {
        const candidates = [...this.runRows.keys()].filter((key) => key.startsWith(parsed.uid)).sort();
        uid = pickByPrefix(parsed.uid, candidates.slice(0, MAX_LISTED + 1));
      }
    } else if (parsed.kind === "scan_id") {
      const withScanId = [...this.runRows.values()].filter(
        (row) => valueAt(row.metadata, "scan_id") === parsed.scanId,
      );
      uid = this.sorted(withScanId)[0]?.uid;
    } else {
      uid = this.sorted(this.runRows.values())[parsed.n - 1]?.uid;
    }
    if (uid === undefined) throw new NotFoundError(`no run matches ${describeRef(parsed)}`);
    return this.decoded<RunStart>(uid, "start")!;
  }

  async descriptors(runUid: string): Promise<EventDescriptor[]> {
    return this.runDocuments<EventDescriptor>(runUid, "descriptor");
  }

  async *columns(
    descriptorUids: string[],
    fields?: string[],
    seq?: SeqRange,
    options?: ColumnReadOptions,
  ): AsyncIterable<ColumnPage> {
    const from = seq?.from ?? Number.NEGATIVE_INFINITY;
    const to = seq?.to ?? Number.POSITIVE_INFINITY;
    const pages = descriptorUids
      .flatMap((uid) => this.eventPagesByDescriptor.get(uid) ?? [])
      .filter(({ record }) => record.seqLast >= from && record.seqFirst < to)
      .sort(
        (a, b) =>
          a.record.seqFirst - b.record.seqFirst || a.batch - b.batch || a.record.pageNo - b.record.pageNo,
      );
    const selection = columnSelection(fields, options);
    for (const { record } of pages) {
      const page = sliceColumnPage(columnPageOf(record, selection), seq);
      if (page) yield page;
    }
  }

  async fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>> {
    if (this.records.get(descriptorUid)?.name !== "descriptor")
      throw new NotFoundError(`no descriptor has uid ${descriptorUid}`);
    return structuredClone(this.stats.get(descriptorUid) ?? {});
  }

  async resources(runUid: string): Promise<Resource[]> {
    return this.runDocuments<Resource>(runUid, "resource");
  }

  async runOf(documentUid: string): Promise<string | undefined> {
    return this.records.get(documentUid)?.run;
  }

  async resource(uid: string): Promise<Resource | undefined> {
    return this.decoded<Resource>(uid, "resource");
  }

  async *datums(resourceUid: string): AsyncIterable<DatumPage> {
    for (const { record } of this.datumPagesByResource.get(resourceUid) ?? [])
      yield datumPageDocument(record);
  }

  async streamResources(runUid: string): Promise<StreamResource[]> {
    return this.runDocuments<StreamResource>(runUid, "stream_resource");
  }

  async streamResource(uid: string): Promise<StreamResource | undefined> {
    return this.decoded<StreamResource>(uid, "stream_resource");
  }

  async *streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum> {
    for (const uid of this.childRecords.get(streamResourceUid) ?? [])
      yield this.decoded<StreamDatum>(uid, "stream_datum")!;
  }

  async *documents(runUid: string): AsyncIterable<DocumentPair> {
    this.requireRun(runUid);
    yield* replayRun(this.replaySource(runUid));
  }

  async *documentBatches(runUid: string, afterBatch: number): AsyncIterable<BatchedDocument> {
    this.requireRun(runUid);
    yield* replayBatches(this.replaySource(runUid), afterBatch);
  }

  private replaySource(runUid: string): ReplaySource {
    return {
      logs: async (afterBatch) => (this.logs.get(runUid) ?? []).filter((log) => log.batch > afterBatch),
      documents: async () => {
        const found = new Map<string, { name: SingletonName; body: Uint8Array }>();
        for (const uid of this.runRecords.get(runUid) ?? []) found.set(uid, this.records.get(uid)!);
        return found;
      },
      eventPage: async (batch, pageNo) => this.eventPagesByKey.get(`${batch}/${pageNo}`)!,
      datumPage: async (batch, pageNo) => this.datumPagesByKey.get(`${batch}/${pageNo}`)!,
    };
  }

  private summary(row: RunRow): RunSummary {
    const streams: Record<string, number> = {};
    for (const uid of this.runRecords.get(row.uid) ?? []) {
      const stream = this.streamRows.get(uid);
      if (stream) streams[stream.stream] = (streams[stream.stream] ?? 0) + stream.events;
    }
    return {
      uid: row.uid,
      start: this.decoded<RunStart>(row.uid, "start")!,
      stop: row.stopUid ? this.decoded<RunStop>(row.stopUid, "stop")! : null,
      streams,
    };
  }

  /**
   * The runs matching `query`, evaluated over every run (duplicate rules look at the others), checking the
   * search's deadline as it goes.
   */
  private matching(query: Query, options: SearchOptions, key?: QueryKey): RunRow[] {
    const rows = this.searchRows(readsAnnotations([query, { key }]) ? options.readers : false);
    const compiled = new RunQuery(
      query,
      rows.map((row) => row.metadata),
    );
    compiled.check();
    const checkDeadline = deadlineChecker(options.deadline);
    return rows.filter((row) => {
      checkDeadline();
      return compiled.matches(row.metadata);
    });
  }

  /** The runs as search sees them; with the annotations `readers` read (false: none needed, none read). */
  private searchRows(readers: readonly string[] | undefined | false): RunRow[] {
    const rows = [...this.runRows.values()];
    if (readers === false) return rows;
    const byRun = searchableByRun(this.annotations.current(), readers);
    return rows.map((row) => ({
      ...row,
      metadata: { ...row.metadata, annotations: byRun.get(row.uid) ?? [] },
    }));
  }

  async *runs(query: Query = ALL, options: StoreRunsOptions = {}): AsyncIterable<RunSummary> {
    const found = this.sorted(this.matching(query, options), options.sort);
    const offset = options.offset ?? 0;
    const end = options.limit === undefined ? undefined : offset + options.limit;
    for (const row of found.slice(offset, end)) yield this.summary(row);
  }

  async count(query: Query = ALL, options: SearchOptions = {}): Promise<number> {
    return this.matching(query, options).length;
  }

  async distinct(key: QueryKey, query: Query = ALL, options: SearchOptions = {}): Promise<DistinctValue[]> {
    const stat = distinctStatOf(key);
    const scope = stat ? distinctStatScope(stat, query) : query;
    return distinctValues(
      this.matching(scope, options, key).map((row) => row.metadata),
      key,
    );
  }

  async fields(query: Query = ALL, options: SearchOptions = {}): Promise<FieldListing[]> {
    return listFields(this.matching(query, options).map((row) => row.metadata.streams));
  }

  async close(): Promise<void> {}
}
