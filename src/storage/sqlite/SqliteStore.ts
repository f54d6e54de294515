// The SQLite adapter, the embedded default: one file in WAL mode. Durability: synchronous=FULL, so a put that
// returned is on disk even after a power cut (NORMAL would stay consistent but could lose the last commits,
// which a caller was already told are stored). Writers take the lock up front (BEGIN IMMEDIATE): the
// lookups of a put see every commit of other processes, and concurrent writers queue instead of failing.
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
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
import { ALL, type Query } from "../../queries/Query.ts";
import type { EncodedColumn } from "../codec/columnCodec.ts";
import { decodeExact, encodeExact } from "../codec/exactMsgpack.ts";
import type { IngestTransaction, StoredDocument } from "../ingest/IngestBackend.ts";
import { putBatch } from "../ingest/putBatch.ts";
import { datumPageDocument } from "../pages/datumPageRecord.ts";
import { columnPageOf } from "../pages/eventPageRecord.ts";
import { sliceColumnPage } from "../pages/sliceColumnPage.ts";
import type {
  ColumnRecord,
  ColumnRole,
  DatumPageRecord,
  EventPageRecord,
  LogEntry,
  PreparedBatch,
  SingletonName,
} from "../records.ts";
import { replayRun } from "../replay.ts";
import { describeRef, MAX_LISTED, MIN_PREFIX, parseRunRef, pickByPrefix, tooShortPrefix } from "../runRef.ts";
import type {
  ColumnPage,
  FieldStats,
  PutReport,
  RunRef,
  RunSummary,
  RunsOptions,
  SeqRange,
  SortKey,
  Store,
} from "../Store.ts";
import { WriteQueue } from "../WriteQueue.ts";
import { compileQuery, jsonLocation } from "./compileQuery.ts";
import { ensureSchema } from "./schema.ts";

/** How long a writer waits for another process's write lock (checked between short async sleeps). */
const LOCK_WAIT_MS = 120_000;

const MAX_STATEMENTS = 256;

const ROLES: ColumnRole[] = ["data", "timestamps", "filled"];
const ENCODINGS: Array<EncodedColumn["encoding"]> = ["float64", "msgpack"];

interface EventPageRow {
  id: number;
  batch: number;
  page_no: number;
  descriptor: string;
  origin: number;
  length: number;
  seq_first: number;
  seq_last: number;
  time_first: number;
  time_last: number;
  has_filled: number;
  uids: Uint8Array;
  seq_nums: Uint8Array;
  times: Uint8Array;
}

interface ColumnRow {
  role: number;
  key: string;
  encoding: number;
  shape: string;
  bytes: Uint8Array;
}

interface DatumPageRow {
  page_no: number;
  resource: string;
  origin: number;
  length: number;
  body: Uint8Array;
}

interface FieldStatsRow {
  key: string;
  events: number;
  count: number;
  min: number | null;
  max: number | null;
  sum: number | null;
  shape: string | null;
}

/** Every string in the start document, for full-text search. */
function textOf(value: unknown, words: string[] = []): string[] {
  if (typeof value === "string") words.push(value);
  else if (Array.isArray(value)) for (const item of value) textOf(item, words);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) textOf(item, words);
  return words;
}

function isBusy(error: unknown): boolean {
  return (error as { code?: string }).code === "SQLITE_BUSY";
}

export class SqliteStore implements Store {
  readonly uri: string;
  private readonly db: Database.Database;
  private readonly queue = new WriteQueue();
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens (creating when needed) the catalog file at `path`. */
  constructor(path: string, uri = `sqlite://${path}`) {
    this.uri = uri;
    this.db = new Database(path);
    this.db.pragma("busy_timeout = 5000");
    // 64 kB pages (only a new file takes it): column blobs of 8 kB+ then fit in few pages; measured twice
    // as fast to write as the 4 kB default.
    this.db.pragma("page_size = 65536");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = OFF");
    ensureSchema(this.db, path);
  }

  /** A prepared statement, compiled once per connection (queries compile to a bounded set of shapes). */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= MAX_STATEMENTS)
        this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(text, (statement = this.db.prepare(text)));
    }
    return statement;
  }

  // --- writing -------------------------------------------------------------------------------------------

  put(batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>): Promise<PutReport> {
    return putBatch(batch, { transaction: (work) => this.queue.run(() => this.transaction(work)) });
  }

  private async begin(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
      try {
        this.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        await sleep(pause);
      }
    }
  }

  private async transaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const result = await work(this.ingestTransaction());
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  private ingestTransaction(): IngestTransaction {
    return {
      documents: async (uids) => {
        const rows = this.sql(
          "SELECT uid, name, run, body FROM documents WHERE uid IN (SELECT value FROM json_each(?))",
        ).all(JSON.stringify(uids)) as Array<{
          uid: string;
          name: SingletonName;
          run: string;
          body: Uint8Array;
        }>;
        const found = new Map<string, StoredDocument>();
        for (const row of rows)
          found.set(row.uid, { uid: row.uid, name: row.name, run: row.run, doc: decodeExact(row.body) });
        return found;
      },
      stops: async (runUids) => {
        const rows = this.sql(
          "SELECT uid, stop_uid FROM runs WHERE uid IN (SELECT value FROM json_each(?)) AND stop_uid IS NOT NULL",
        ).all(JSON.stringify(runUids)) as Array<{ uid: string; stop_uid: string }>;
        return new Map(rows.map((row) => [row.uid, row.stop_uid]));
      },
      eventPages: async (descriptor, first, last) => {
        const rows = this.sql(
          "SELECT * FROM event_pages WHERE descriptor = ? AND seq_first <= ? AND seq_last >= ? ORDER BY seq_first, id",
        ).all(descriptor, last, first) as EventPageRow[];
        return rows.map((row) => this.eventPageRecord(row));
      },
      datumPages: async (resource) => {
        const rows = this.sql("SELECT * FROM datum_pages WHERE resource = ? ORDER BY id").all(
          resource,
        ) as DatumPageRow[];
        return rows.map(datumPageRecord);
      },
      fieldStats: async (descriptors) => {
        const found = new Map<string, Record<string, FieldStats>>();
        for (const descriptor of descriptors) {
          const stats = this.storedFieldStats(descriptor);
          if (Object.keys(stats).length > 0) found.set(descriptor, stats);
        }
        return found;
      },
      write: async (batch) => this.write(batch),
    };
  }

  private write(prepared: PreparedBatch): void {
    const batch = Number(
      this.sql("INSERT INTO batches (written_at) VALUES (?)").run(Date.now() / 1000).lastInsertRowid,
    );
    const insertDocument = this.sql(
      "INSERT INTO documents (uid, name, run, parent, body) VALUES (?, ?, ?, ?, ?)",
    );
    for (const record of prepared.documents) {
      insertDocument.run(record.uid, record.name, record.run, record.parent, record.body);
      if (record.name === "start") {
        const { doc } = record;
        const scanId = typeof doc.scan_id === "number" && Number.isInteger(doc.scan_id) ? doc.scan_id : null;
        this.sql("INSERT INTO runs (uid, time, scan_id, start) VALUES (?, ?, ?, ?)").run(
          record.uid,
          typeof doc.time === "number" ? doc.time : null,
          scanId,
          JSON.stringify(doc),
        );
        this.sql("INSERT INTO run_text (uid, text) VALUES (?, ?)").run(record.uid, textOf(doc).join(" "));
      } else if (record.name === "stop") {
        this.sql("UPDATE runs SET stop = ?, stop_uid = ? WHERE uid = ?").run(
          JSON.stringify(record.doc),
          record.uid,
          record.run,
        );
      }
    }
    const insertPage = this.sql(
      `INSERT INTO event_pages (batch, page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last,
         has_filled, uids, seq_nums, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertColumn = this.sql(
      `INSERT INTO event_columns (page, role, key, encoding, shape, bytes, count, min, max, sum)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const page of prepared.eventPages) {
      const id = insertPage.run(
        batch,
        page.pageNo,
        page.descriptor,
        page.origin === "event" ? 0 : 1,
        page.length,
        page.seqFirst,
        page.seqLast,
        page.timeFirst,
        page.timeLast,
        page.hasFilled ? 1 : 0,
        page.uids,
        page.seqNums,
        page.times,
      ).lastInsertRowid;
      for (const column of page.columns) {
        const stats = column.stats;
        insertColumn.run(
          id,
          ROLES.indexOf(column.role),
          column.key,
          ENCODINGS.indexOf(column.encoding),
          JSON.stringify(column.shape),
          column.bytes,
          stats?.count ?? null,
          stats?.min ?? null,
          stats?.max ?? null,
          stats?.sum ?? null,
        );
      }
    }
    const insertDatumPage = this.sql(
      "INSERT INTO datum_pages (batch, page_no, resource, origin, length, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const page of prepared.datumPages) {
      insertDatumPage.run(
        batch,
        page.pageNo,
        page.resource,
        page.origin === "datum" ? 0 : 1,
        page.length,
        page.body,
      );
    }
    const insertLog = this.sql("INSERT INTO run_logs (run, batch, entries) VALUES (?, ?, ?)");
    for (const log of prepared.logs) insertLog.run(log.run, batch, encodeExact(log.entries));
    const countEvents = this.sql(
      `INSERT INTO streams (descriptor, run, stream, events) VALUES (?, ?, ?, ?)
         ON CONFLICT (descriptor) DO UPDATE SET events = events + excluded.events`,
    );
    for (const count of prepared.streamCounts)
      countEvents.run(count.descriptor, count.run, count.stream, count.added);
    const saveStats = this.sql(
      `INSERT OR REPLACE INTO field_stats (descriptor, key, events, count, min, max, sum, shape)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { descriptor, stats } of prepared.fieldStats) {
      for (const [key, field] of Object.entries(stats)) {
        const shape = field.shape === null ? null : JSON.stringify(field.shape);
        saveStats.run(descriptor, key, field.events, field.count, field.min, field.max, field.sum, shape);
      }
    }
  }

  // --- reading records -----------------------------------------------------------------------------------

  private eventPageRecord(row: EventPageRow, fields?: string[]): EventPageRecord {
    const columns = (
      fields
        ? this.sql(
            "SELECT role, key, encoding, shape, bytes FROM event_columns WHERE page = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY rowid",
          ).all(row.id, JSON.stringify(fields))
        : this.sql(
            "SELECT role, key, encoding, shape, bytes FROM event_columns WHERE page = ? ORDER BY rowid",
          ).all(row.id)
    ) as ColumnRow[];
    return {
      pageNo: row.page_no,
      descriptor: row.descriptor,
      origin: row.origin === 0 ? "event" : "event_page",
      length: row.length,
      seqFirst: row.seq_first,
      seqLast: row.seq_last,
      timeFirst: row.time_first,
      timeLast: row.time_last,
      uids: row.uids,
      seqNums: row.seq_nums,
      times: row.times,
      hasFilled: row.has_filled === 1,
      columns: columns.map(
        (column): ColumnRecord => ({
          role: ROLES[column.role],
          key: column.key,
          encoding: ENCODINGS[column.encoding],
          shape: JSON.parse(column.shape),
          bytes: column.bytes,
          stats: null,
        }),
      ),
    };
  }

  private storedFieldStats(descriptor: string): Record<string, FieldStats> {
    const rows = this.sql("SELECT * FROM field_stats WHERE descriptor = ? ORDER BY rowid").all(
      descriptor,
    ) as FieldStatsRow[];
    const stats: Record<string, FieldStats> = {};
    for (const row of rows) {
      stats[row.key] = {
        events: row.events,
        count: row.count,
        min: row.min,
        max: row.max,
        sum: row.sum,
        shape: row.shape === null ? null : JSON.parse(row.shape),
      };
    }
    return stats;
  }

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
    const rows = this.sql("SELECT body FROM documents WHERE run = ? AND name = ? ORDER BY id").all(
      runUid,
      name,
    ) as Array<{
      body: Uint8Array;
    }>;
    return rows.map((row) => decodeExact<T>(row.body));
  }

  // --- the Store port ------------------------------------------------------------------------------------

  async start(uid: string): Promise<RunStart | undefined> {
    return this.decoded<RunStart>(uid, "start");
  }

  async stop(runUid: string): Promise<RunStop | undefined> {
    const row = this.sql("SELECT stop_uid FROM runs WHERE uid = ?").get(runUid) as
      | { stop_uid: string | null }
      | undefined;
    return row?.stop_uid ? this.decoded<RunStop>(row.stop_uid, "stop") : undefined;
  }

  async findRun(ref: RunRef): Promise<RunStart> {
    const parsed = parseRunRef(ref);
    let uid: string | undefined;
    if (parsed.kind === "uid") {
      if (this.sql("SELECT 1 FROM runs WHERE uid = ?").get(parsed.uid)) uid = parsed.uid;
      else if (parsed.uid.length < MIN_PREFIX) throw tooShortPrefix(parsed.uid);
      else {
        // A range scan of the uid index: every uid starting with the prefix sorts between these bounds.
        const rows = this.sql("SELECT uid FROM runs WHERE uid >= ? AND uid < ? ORDER BY uid LIMIT ?")
          .pluck()
          .all(parsed.uid, `${parsed.uid}\u{10ffff}`, MAX_LISTED + 1) as string[];
        uid = pickByPrefix(parsed.uid, rows);
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

  async *columns(descriptorUids: string[], fields?: string[], seq?: SeqRange): AsyncIterable<ColumnPage> {
    const rows = this.sql(
      `SELECT * FROM event_pages WHERE descriptor IN (SELECT value FROM json_each(?))
         AND seq_last >= ? AND seq_first < ? ORDER BY seq_first, id`,
    ).all(
      JSON.stringify(descriptorUids),
      seq?.from ?? Number.NEGATIVE_INFINITY,
      seq?.to ?? Number.POSITIVE_INFINITY,
    ) as EventPageRow[];
    for (const row of rows) {
      const page = sliceColumnPage(columnPageOf(this.eventPageRecord(row, fields)), seq);
      if (page) yield page;
    }
  }

  async fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>> {
    if (!this.sql("SELECT 1 FROM documents WHERE uid = ? AND name = 'descriptor'").get(descriptorUid)) {
      throw new NotFoundError(`no descriptor has uid ${descriptorUid}`);
    }
    return this.storedFieldStats(descriptorUid);
  }

  async resources(runUid: string): Promise<Resource[]> {
    return this.runDocuments<Resource>(runUid, "resource");
  }

  async resource(uid: string): Promise<Resource | undefined> {
    return this.decoded<Resource>(uid, "resource");
  }

  async *datums(resourceUid: string): AsyncIterable<DatumPage> {
    const rows = this.sql("SELECT * FROM datum_pages WHERE resource = ? ORDER BY id").all(
      resourceUid,
    ) as DatumPageRow[];
    for (const row of rows) yield datumPageDocument(datumPageRecord(row));
  }

  async streamResources(runUid: string): Promise<StreamResource[]> {
    return this.runDocuments<StreamResource>(runUid, "stream_resource");
  }

  async streamResource(uid: string): Promise<StreamResource | undefined> {
    return this.decoded<StreamResource>(uid, "stream_resource");
  }

  async *streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum> {
    const rows = this.sql("SELECT body FROM documents WHERE parent = ? AND name = 'stream_datum' ORDER BY id")
      .pluck()
      .all(streamResourceUid) as Uint8Array[];
    for (const body of rows) yield decodeExact<StreamDatum>(body);
  }

  async *documents(runUid: string): AsyncIterable<DocumentPair> {
    this.requireRun(runUid);
    yield* replayRun({
      logs: async () => {
        const rows = this.sql("SELECT batch, entries FROM run_logs WHERE run = ? ORDER BY batch").all(
          runUid,
        ) as Array<{
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
      eventPage: async (batch, pageNo) =>
        this.eventPageRecord(
          this.sql("SELECT * FROM event_pages WHERE batch = ? AND page_no = ?").get(
            batch,
            pageNo,
          ) as EventPageRow,
        ),
      datumPage: async (batch, pageNo) =>
        datumPageRecord(
          this.sql("SELECT * FROM datum_pages WHERE batch = ? AND page_no = ?").get(
            batch,
            pageNo,
          ) as DatumPageRow,
        ),
    });
  }

  private orderBy(sort: SortKey[] | undefined, params: unknown[]): string {
    const keys = (sort ?? [{ key: "time", direction: "desc" }]).map(({ key, direction }) => {
      const order = direction === "desc" ? "DESC" : "ASC";
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

  async *runs(query: Query = ALL, options: RunsOptions = {}): AsyncIterable<RunSummary> {
    const where = compileQuery(query);
    const params = [...where.params];
    const order = this.orderBy(options.sort, params);
    params.push(options.limit ?? -1, options.offset ?? 0);
    const rows = this.sql(
      `SELECT uid, stop_uid FROM runs WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
    ).all(...params) as Array<{ uid: string; stop_uid: string | null }>;
    for (const row of rows) yield this.summary(row.uid, row.stop_uid);
  }

  async count(query: Query = ALL): Promise<number> {
    const where = compileQuery(query);
    return this.sql(`SELECT COUNT(*) FROM runs WHERE ${where.sql}`)
      .pluck()
      .get(...where.params) as number;
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      if (this.db.open) this.db.close();
    });
  }
}

function datumPageRecord(row: DatumPageRow): DatumPageRecord {
  return {
    pageNo: row.page_no,
    resource: row.resource,
    origin: row.origin === 0 ? "datum" : "datum_page",
    length: row.length,
    body: row.body,
  };
}
