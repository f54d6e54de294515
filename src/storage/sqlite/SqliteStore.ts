// The SQLite adapter, the embedded default: one catalog file in WAL mode (see Connection.ts for durability).
// Puts run in the process's writer thread (SqliteWriter), taking the write lock up front (BEGIN IMMEDIATE), so
// their lookups see every commit of other processes and concurrent writers queue instead of failing; reads
// stay on this thread, synchronous, through a connection that only ever sees committed data. Queries compile
// to SQL over JSON1 (compileQuery.ts).

import { existsSync } from "node:fs";
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
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
import { NotFoundError, UnsupportedError } from "../../errors.ts";
import { distinctStatOf, distinctStatScope } from "../../queries/dataKey.ts";
import { type DistinctValue, sortDistinct } from "../../queries/distinct.ts";
import { type FieldListing, sortFieldListing } from "../../queries/fieldListing.ts";
import type { FieldStats } from "../../queries/fieldStats.ts";
import { ALL, type Query, type QueryKey } from "../../queries/Query.ts";
import type { ColumnPage, ColumnReadOptions } from "../ColumnPage.ts";
import { NoCatalogError } from "../catalogErrors.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import type { DeletionRequest, RunDeletion } from "../deletions.ts";
import { type FieldListingRow, fieldListingOf, fieldListingSql, UNINDEXED_FIELDS } from "../fieldStatsSql.ts";
import type { IngestBackend } from "../ingest/IngestBackend.ts";
import { putBatch } from "../ingest/putBatch.ts";
import { rewriteFieldStats } from "../ingest/rewriteFieldStats.ts";
import { columnSelection } from "../pages/columnSelection.ts";
import { datumPageDocument } from "../pages/datumPageRecord.ts";
import { columnPageOf } from "../pages/eventPageRecord.ts";
import { sliceColumnPage } from "../pages/sliceColumnPage.ts";
import { RunChanges, type RunsListener } from "../RunChanges.ts";
import type { LogEntry, SingletonName } from "../records.ts";
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
import { WriteQueue } from "../WriteQueue.ts";
import { Connection } from "./Connection.ts";
import {
  COMMON_TAG_PROBE,
  COMMON_TAG_ROWS,
  type CompiledQuery,
  compileDistinct,
  compileQuery,
  distinctValueOf,
  jsonLocation,
  MANY_STATS_ROWS,
  manyStatsRowsProbe,
} from "./compileQuery.ts";
import { OtherWriters } from "./OtherWriters.ts";
import {
  type DatumPageRow,
  datumPageRecord,
  type EventPageHead,
  type EventPageRow,
  eventPageRecord,
  eventPageRecords,
  PAGE_HEAD_COLUMNS,
  pageBlobColumns,
  storedFieldStats,
} from "./rows.ts";
import { SqliteAccess } from "./SqliteAccess.ts";
import { SqliteAnnotations } from "./SqliteAnnotations.ts";
import { checkSchema } from "./schema.ts";
import { SqliteWriter } from "./writer/SqliteWriter.ts";

/** Event pages fetched per query when reading columns. */
const PAGES_PER_READ = 32;

export class SqliteStore implements Store {
  readonly uri: string;
  /** Undefined when opened read-only: no writer thread, and puts are refused. */
  private readonly writer?: SqliteWriter;
  private readonly reader: Connection;
  private readonly queue = new WriteQueue();
  private otherWriters?: OtherWriters;
  private readonly changes = new RunChanges({
    first: () => {
      this.otherWriters = new OtherWriters(this.reader, this.changes);
    },
    last: () => {
      this.otherWriters?.stop();
      this.otherWriters = undefined;
    },
  });
  readonly access: AccessRecords;
  readonly annotations: AnnotationRecords;

  /**
   * Opens (creating when needed) the catalog file at `path`; the writer thread starts in the background.
   * `readOnly`: the file must exist with this code's schema, and nothing is ever written to it.
   */
  constructor(path: string, uri = `sqlite://${path}`, options: { readOnly?: boolean } = {}) {
    this.uri = uri;
    if (options.readOnly) {
      if (!existsSync(path)) throw new NoCatalogError(uri);
      this.reader = Connection.readOnly(path);
      try {
        checkSchema(this.reader.db, uri);
      } catch (error) {
        this.reader.close();
        throw error;
      }
      this.access = this.accessRecords();
      this.annotations = this.annotationRecords();
      return;
    }
    const schema = Connection.schema(path);
    try {
      this.reader = Connection.reader(path);
    } finally {
      // Closed only once the reader is open, so the file's WAL is not checkpointed and removed in between.
      schema.close();
    }
    this.writer = new SqliteWriter(path);
    this.access = this.accessRecords();
    this.annotations = this.annotationRecords();
  }

  private accessRecords(): SqliteAccess {
    return new SqliteAccess(this.reader, (work) => this.queue.run(() => work(this.writable())));
  }

  private annotationRecords(): SqliteAnnotations {
    return new SqliteAnnotations(this.reader, (work) => this.queue.run(() => work(this.writable())));
  }

  private sql(text: string) {
    return this.reader.sql(text);
  }

  private writable(): SqliteWriter {
    if (!this.writer) throw new UnsupportedError(`${this.uri} was opened read-only`);
    return this.writer;
  }

  // --- writing -------------------------------------------------------------------------------------------

  private readonly backend: IngestBackend = {
    transaction: (work) => this.queue.run(() => this.writable().transaction(work)),
  };

  async put(
    batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
    options?: PutOptions,
  ): Promise<PutReport> {
    const report = await putBatch(batch, this.backend, options);
    this.otherWriters?.announced(report);
    this.changes.emit(report);
    return report;
  }

  /** This process's batches at once; other processes' within OTHER_WRITERS_POLL_MS (otherWriters.ts). */
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

  async deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion> {
    const deletion = await this.queue.run(() => this.writable().deleteRun(uid, request));
    if (deletion === null) throw new NotFoundError(`no run has uid ${uid}`);
    return deletion;
  }

  async deletions(): Promise<RunDeletion[]> {
    return this.sql(
      "SELECT uid, scan_id, plan_name, deleted_at, deleted_by, reason FROM deletions ORDER BY id",
    ).all() as RunDeletion[];
  }

  // --- reading -------------------------------------------------------------------------------------------

  private decoded<T>(uid: string, name: SingletonName): T | undefined {
    const row = this.sql("SELECT name, body FROM documents WHERE uid = ?").get(uid) as
      | { name: string; body: Uint8Array }
      | undefined;
    return row?.name === name ? decodeExact<T>(row.body) : undefined;
  }

  private requireRun(runUid: string): void {
    if (!this.sql("SELECT 1 FROM runs WHERE uid = ?").get(runUid))
      throw new NotFoundError(`no run has uid ${runUid}`);
  }

  private runDocuments<T>(runUid: string, name: SingletonName): T[] {
    this.requireRun(runUid);
    const bodies = this.sql("SELECT body FROM documents WHERE run = ? AND name = ? ORDER BY id")
      .pluck()
      .all(runUid, name) as Uint8Array[];
    return bodies.map((body) => decodeExact<T>(body));
  }

  async start(uid: string): Promise<RunStart | undefined> {
    return this.decoded<RunStart>(uid, "start");
  }

  async stop(runUid: string): Promise<RunStop | undefined> {
    const stopUid = this.sql("SELECT stop_uid FROM runs WHERE uid = ?").pluck().get(runUid) as
      | string
      | null
      | undefined;
    return stopUid ? this.decoded<RunStop>(stopUid, "stop") : undefined;
  }

  async findRun(ref: RunRef): Promise<RunStart> {
    const parsed = parseRunRef(ref);
    let uid: string | undefined;
    if (parsed.kind === "uid") {
      if (this.sql("SELECT 1 FROM runs WHERE uid = ?").get(parsed.uid)) uid = parsed.uid;
      else if (parsed.uid.length < MIN_PREFIX) throw tooShortPrefix(parsed.uid);
      else {
        // A range scan of the uid index: every uid starting with the prefix sorts between these bounds.
        const candidates = this.sql("SELECT uid FROM runs WHERE uid >= ? AND uid < ? ORDER BY uid LIMIT ?")
          .pluck()
          .all(parsed.uid, `${parsed.uid}\u{10ffff}`, MAX_LISTED + 1) as string[];
        uid = pickByPrefix(parsed.uid, candidates);
      }
    } else if (parsed.kind === "scan_id") {
      uid = this.sql("SELECT uid FROM runs WHERE scan_id = ? ORDER BY time DESC, uid LIMIT 1")
        .pluck()
        .get(parsed.scanId) as string | undefined;
    } else {
      uid = this.sql("SELECT uid FROM runs ORDER BY time DESC, uid LIMIT 1 OFFSET ?")
        .pluck()
        .get(parsed.n - 1) as string | undefined;
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
    // Pages in chunks (keyset pagination), each chunk's columns fetched by one statement and each page decoded
    // only when reached: a long stream is never held whole, and no cursor stays open across yields (another
    // reader may use the connection meanwhile).
    const selection = columnSelection(fields, options);
    const chunk = this.sql(
      `SELECT ${PAGE_HEAD_COLUMNS}, ${pageBlobColumns(selection)} FROM event_pages
         WHERE descriptor IN (SELECT value FROM json_each(?)) AND seq_last >= ? AND seq_first < ?
           AND (seq_first, id) > (?, ?) ORDER BY seq_first, id LIMIT ${PAGES_PER_READ}`,
    );
    const descriptors = JSON.stringify(descriptorUids);
    const from = seq?.from ?? Number.NEGATIVE_INFINITY;
    const to = seq?.to ?? Number.POSITIVE_INFINITY;
    let after: [number, number] = [Number.NEGATIVE_INFINITY, 0];
    for (;;) {
      const rows = chunk.all(descriptors, from, to, ...after) as EventPageRow[];
      for (const record of eventPageRecords(this.reader, rows, selection)) {
        const page = sliceColumnPage(columnPageOf(record, selection), seq);
        if (page) yield page;
      }
      if (rows.length < PAGES_PER_READ) return;
      const last = rows[rows.length - 1];
      after = [last.seq_first, last.id];
    }
  }

  async fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>> {
    if (!this.sql("SELECT 1 FROM documents WHERE uid = ? AND name = 'descriptor'").get(descriptorUid)) {
      throw new NotFoundError(`no descriptor has uid ${descriptorUid}`);
    }
    return storedFieldStats(this.reader, descriptorUid);
  }

  async unindexedFields(): Promise<UnindexedField[]> {
    return this.sql(UNINDEXED_FIELDS).all() as UnindexedField[];
  }

  async resources(runUid: string): Promise<Resource[]> {
    return this.runDocuments<Resource>(runUid, "resource");
  }

  async runOf(documentUid: string): Promise<string | undefined> {
    return this.sql("SELECT run FROM documents WHERE uid = ?").pluck().get(documentUid) as string | undefined;
  }

  async resource(uid: string): Promise<Resource | undefined> {
    return this.decoded<Resource>(uid, "resource");
  }

  async *datums(resourceUid: string): AsyncIterable<DatumPage> {
    const ids = this.sql("SELECT id FROM datum_pages WHERE resource = ? ORDER BY id")
      .pluck()
      .all(resourceUid) as number[];
    for (const id of ids) {
      yield datumPageDocument(
        datumPageRecord(this.sql("SELECT * FROM datum_pages WHERE id = ?").get(id) as DatumPageRow),
      );
    }
  }

  async streamResources(runUid: string): Promise<StreamResource[]> {
    return this.runDocuments<StreamResource>(runUid, "stream_resource");
  }

  async streamResource(uid: string): Promise<StreamResource | undefined> {
    return this.decoded<StreamResource>(uid, "stream_resource");
  }

  async *streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum> {
    const bodies = this.sql(
      "SELECT body FROM documents WHERE parent = ? AND name = 'stream_datum' ORDER BY id",
    )
      .pluck()
      .all(streamResourceUid) as Uint8Array[];
    for (const body of bodies) yield decodeExact<StreamDatum>(body);
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
      logs: async (afterBatch) => {
        const rows = this.sql(
          "SELECT batch, entries FROM run_logs WHERE run = ? AND batch > ? ORDER BY batch",
        ).all(runUid, afterBatch) as Array<{
          batch: number;
          entries: Uint8Array;
        }>;
        return rows.map((row) => ({ batch: row.batch, entries: decodeExact<LogEntry[]>(row.entries) }));
      },
      documents: async () => {
        const rows = this.sql("SELECT uid, name, body FROM documents WHERE run = ?").all(runUid) as Array<{
          uid: string;
          name: SingletonName;
          body: Uint8Array;
        }>;
        return new Map(rows.map((row) => [row.uid, row]));
      },
      eventPage: async (batch, pageNo) => {
        const head = this.sql(
          `SELECT ${PAGE_HEAD_COLUMNS} FROM event_pages WHERE batch = ? AND page_no = ?`,
        ).get(batch, pageNo);
        return eventPageRecord(this.reader, head as EventPageHead);
      },
      datumPage: async (batch, pageNo) =>
        datumPageRecord(
          this.sql("SELECT * FROM datum_pages WHERE batch = ? AND page_no = ?").get(
            batch,
            pageNo,
          ) as DatumPageRow,
        ),
    };
  }

  private orderBy(sort: SortKey[] | undefined, params: unknown[]): string {
    const keys = (sort ?? [{ key: "time", direction: "desc" }]).map(({ key, direction }) => {
      const order = direction === "desc" ? "DESC" : "ASC";
      // The indexed column holds start.time itself.
      if (key === "time" || key === "start.time") return `time ${order}`;
      const { column, path } = jsonLocation(key);
      params.push(path);
      return `json_extract(${column}, ?) ${order}`;
    });
    return [...keys, "uid ASC"].join(", ");
  }

  private summary(uid: string, stopUid: string | null): RunSummary {
    const streams: Record<string, number> = {};
    const rows = this.sql(
      "SELECT stream, SUM(events) AS events FROM streams WHERE run = ? GROUP BY stream ORDER BY MIN(rowid)",
    ).all(uid) as Array<{ stream: string; events: number }>;
    for (const row of rows) streams[row.stream] = row.events;
    return {
      uid,
      start: this.decoded<RunStart>(uid, "start")!,
      stop: stopUid ? (this.decoded<RunStop>(stopUid, "stop") ?? null) : null,
      streams,
    };
  }

  /** Whether a tag is common enough to be searched run by run (compileQuery.ts tagMembership). */
  private readonly isCommonTag = (tag: string): boolean =>
    (this.sql(COMMON_TAG_PROBE).pluck().get(tag, COMMON_TAG_ROWS) as number) >= COMMON_TAG_ROWS;

  /** Whether a data query's rows are many enough to be probed run by run (compileQuery.ts hasManyStatsRows). */
  private readonly hasManyStatsRows = (where: string, params: unknown[]): boolean =>
    (this.sql(manyStatsRowsProbe(where))
      .pluck()
      .get(...params) as number) >= MANY_STATS_ROWS;

  /** The query compiled for `options.readers`, after its own checks (duplicates "error", ambiguous uid prefixes) have passed. */
  private where(query: Query, options: SearchOptions): CompiledQuery {
    const compiled = compileQuery(query, {
      readers: options.readers,
      isCommonTag: this.isCommonTag,
      hasManyStatsRows: this.hasManyStatsRows,
    });
    for (const check of compiled.checks) {
      const failure = check.failure(
        this.sql(check.sql)
          .pluck()
          .all(...check.params),
      );
      if (failure) throw failure;
    }
    return compiled;
  }

  /**
   * Runs a search's statements with its deadline active: they run synchronously on this thread, and the
   * functions SQLite calls back (regexp) check it and throw, which aborts the statement.
   */
  private searched<T>(options: SearchOptions, search: () => T): T {
    return options.deadline ? options.deadline.during(search) : search();
  }

  async *runs(query: Query = ALL, options: StoreRunsOptions = {}): AsyncIterable<RunSummary> {
    const rows = this.searched(options, () => {
      const where = this.where(query, options);
      const params = [...where.params];
      const order = this.orderBy(options.sort, params);
      params.push(options.limit ?? -1, options.offset ?? 0);
      return this.sql(
        `SELECT uid, stop_uid FROM runs WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
      ).all(...params) as Array<{ uid: string; stop_uid: string | null }>;
    });
    for (const row of rows) yield this.summary(row.uid, row.stop_uid);
  }

  async count(query: Query = ALL, options: SearchOptions = {}): Promise<number> {
    return this.searched(options, () => {
      const where = this.where(query, options);
      return this.sql(`SELECT COUNT(*) FROM runs WHERE ${where.sql}`)
        .pluck()
        .get(...where.params) as number;
    });
  }

  async distinct(key: QueryKey, query: Query = ALL, options: SearchOptions = {}): Promise<DistinctValue[]> {
    const rows = this.searched(options, () => {
      const stat = distinctStatOf(key);
      const scope = stat ? distinctStatScope(stat, query) : query;
      const { sql, params } = compileDistinct(key, this.where(scope, options), options.readers);
      return this.sql(sql).all(...params) as Array<{ kind: string; value: unknown; count: number }>;
    });
    return sortDistinct(
      rows.map((row) => ({ value: distinctValueOf(row.kind, row.value), count: row.count })),
    );
  }

  async fields(query: Query = ALL, options: SearchOptions = {}): Promise<FieldListing[]> {
    const rows = this.searched(options, () => {
      const where = this.where(query, options);
      return this.sql(fieldListingSql(`SELECT uid FROM runs WHERE ${where.sql}`)).all(
        ...where.params,
      ) as Array<FieldListingRow & { shape: string | null }>;
    });
    return sortFieldListing(
      rows.map((row) => fieldListingOf(row, row.shape === null ? null : JSON.parse(row.shape))),
    );
  }

  async close(): Promise<void> {
    this.otherWriters?.stop();
    await this.queue.run(async () => {
      // The reader first: the writer, then the file's last connection here, checkpoints as it closes.
      this.reader.close();
      await this.writer?.close();
    });
  }
}
