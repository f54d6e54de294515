// The PostgreSQL adapter, the catalog several stateless processes share: a `pg` pool, the schema migrated on
// open (migrations.ts), puts in one transaction each with per-run locks (PostgresIngest.ts, which argues them),
// reads of committed data only, and queries compiled to JSONB / GIN / tsvector SQL (compileQuery.ts).
import type pg from "pg";
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import type { SeqRange } from "../../catalog/SeqRange.ts";
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
import { ALL, type Query, type QueryKey, type QueryValue } from "../../queries/Query.ts";
import type { ColumnPage, ColumnReadOptions } from "../ColumnPage.ts";
import { NoCatalogError } from "../catalogErrors.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import type { DeletionRequest, RunDeletion } from "../deletions.ts";
import { type FieldListingRow, fieldListingOf, UNINDEXED_FIELDS } from "../fieldStatsSql.ts";
import type { IngestTransaction } from "../ingest/IngestBackend.ts";
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
import { ChangeListener } from "./ChangeListener.ts";
import { type CompileOptions, ICU_ROOT, QueryCompiler } from "./compileQuery.ts";
import { bound, openPool, redactedUri, statement } from "./connectionPool.ts";
import { DELETIONS, deleteRunRows } from "./deleteRunRows.ts";
import { duplicateChecks } from "./duplicateChecks.ts";
import { runScanId, runTime } from "./jsonPaths.ts";
import { appliedVersion, type MigrationResult, migrate, SCHEMA_VERSION } from "./migrations.ts";
import { PostgresAccess } from "./PostgresAccess.ts";
import { PostgresAnnotations } from "./PostgresAnnotations.ts";
import { PostgresIngest } from "./PostgresIngest.ts";
import {
  DATUM_PAGE_COLUMNS,
  type DatumPageRow,
  datumPageRecord,
  type EventPageRow,
  eventPageRecords,
  PAGE_COLUMNS,
  storedFieldStats,
} from "./rows.ts";
import { SearchPools } from "./SearchPools.ts";
import { countStatement, distinctStatement, fieldsStatement, runsStatement } from "./searchStatements.ts";
import { float8Text, SqlParams } from "./sqlParams.ts";

export interface PostgresStoreOptions {
  /**
   * Apply pending migrations on open (default). When false (a read-only open), nothing is created: a database
   * without the schema is no catalog, and one not at SCHEMA_VERSION is refused.
   */
  migrate?: boolean;
  /** Refuse every write (UnsupportedError): a read-only open. */
  readOnly?: boolean;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/** Event pages fetched per statement when reading columns; datum pages per statement when listing datums. */
const PAGES_PER_READ = 32;
const DATUM_PAGES_PER_READ = 16;
/** Runs summarised per statement when listing. */
const SUMMARIES_PER_READ = 200;
/** Whole-transaction retries of a put after a detected deadlock or a lost race (see PostgresIngest.ts). */
const MAX_PUT_ATTEMPTS = 5;
/** deadlock_detected, serialization_failure, unique_violation. */
const RETRYABLE = new Set(["40P01", "40001", "23505"]);

const DOCUMENT = statement("document", "SELECT name, body FROM documents WHERE uid = $1");
const RUN_OF = statement("run_of", "SELECT run FROM documents WHERE uid = $1");
const RUN_EXISTS = statement("run_exists", "SELECT 1 FROM runs WHERE uid = $1");
const RUN_DOCUMENTS = statement(
  "run_documents",
  "SELECT body FROM documents WHERE run = $1 AND name = $2 ORDER BY id",
);
const RUN_STOP = statement(
  "run_stop",
  "SELECT d.body FROM runs r JOIN documents d ON d.uid = r.stop_uid WHERE r.uid = $1",
);
const NEWEST_WITH_SCAN_ID = statement(
  "newest_with_scan_id",
  `SELECT r.uid FROM runs r WHERE ${runScanId("r")} = $1 ORDER BY ${runTime("r")} DESC NULLS LAST, r.uid LIMIT 1`,
);
const RECENT = statement(
  "recent",
  `SELECT r.uid FROM runs r ORDER BY ${runTime("r")} DESC NULLS LAST, r.uid LIMIT 1 OFFSET $1`,
);
const PAGE_CHUNK = statement(
  "page_chunk",
  `SELECT ${PAGE_COLUMNS} FROM event_pages
   WHERE descriptor = ANY($1::text[]) AND seq_last >= $2::float8 AND seq_first < $3::float8
     AND (seq_first, id) > ($4::float8, $5::bigint)
   ORDER BY seq_first, id LIMIT ${PAGES_PER_READ}`,
);
const IS_DESCRIPTOR = statement(
  "is_descriptor",
  "SELECT 1 FROM documents WHERE uid = $1 AND name = 'descriptor'",
);
const DATUM_PAGE_CHUNK = statement(
  "datum_page_chunk",
  `SELECT ${DATUM_PAGE_COLUMNS} FROM datum_pages
   WHERE resource = $1 AND id > $2::bigint ORDER BY id LIMIT ${DATUM_PAGES_PER_READ}`,
);
const STREAM_DATUMS = statement(
  "stream_datums",
  "SELECT body FROM documents WHERE parent = $1 AND name = 'stream_datum' ORDER BY id",
);
const RUN_LOGS = statement(
  "run_logs",
  "SELECT batch, entries FROM run_logs WHERE run = $1 AND batch > $2 ORDER BY batch",
);
const RUN_ALL_DOCUMENTS = statement(
  "run_all_documents",
  "SELECT uid, name, body FROM documents WHERE run = $1",
);
const PAGE_AT = statement(
  "event_page_at",
  `SELECT ${PAGE_COLUMNS} FROM event_pages WHERE batch = $1 AND page_no = $2`,
);
const DATUM_PAGE_AT = statement(
  "datum_page_at",
  `SELECT ${DATUM_PAGE_COLUMNS} FROM datum_pages WHERE batch = $1 AND page_no = $2`,
);
const SUMMARIES = statement(
  "summaries",
  `SELECT r.uid, s.body AS start, p.body AS stop,
     (SELECT coalesce(json_agg(json_build_array(x.stream, x.events) ORDER BY x.first), '[]')
        FROM (SELECT stream, sum(events)::float8 AS events, min(id) AS first FROM streams WHERE run = r.uid GROUP BY stream) x
     ) AS streams
   FROM runs r JOIN documents s ON s.uid = r.uid LEFT JOIN documents p ON p.uid = r.stop_uid
   WHERE r.uid = ANY($1::text[])`,
);

function isRetryable(error: unknown): boolean {
  return RETRYABLE.has((error as { code?: string }).code ?? "");
}

async function checkServer(pool: pg.Pool, location: string): Promise<CompileOptions> {
  const { rows } = await pool.query(
    `SELECT current_setting('server_version_num')::integer AS version, current_setting('server_encoding') AS encoding,
       EXISTS (SELECT 1 FROM pg_collation WHERE collname = '${ICU_ROOT}') AS icu`,
  );
  const { version, encoding, icu } = rows[0];
  if (version < 120000)
    throw new UnsupportedError(`${location}: PostgreSQL ${version} is too old; databroker needs 12 or newer`);
  // Text must hold any document's strings, and compare by code point as every adapter does.
  if (encoding !== "UTF8")
    throw new UnsupportedError(`${location}: the database encoding is ${encoding}; databroker needs UTF8`);
  // Without ICU, case-insensitive regexes fold case by the database's own locale.
  return { caseFolding: icu ? ICU_ROOT : "default" };
}

export class PostgresStore implements Store {
  readonly uri: string;
  private closed = false;

  private readonly searchPools: SearchPools;
  private readonly listener: ChangeListener;
  private readonly changes: RunChanges;
  readonly access: AccessRecords;
  readonly annotations: AnnotationRecords;

  private constructor(
    uri: string,
    private readonly pool: pg.Pool,
    private readonly compileOptions: CompileOptions,
    maxConnections: number | undefined,
    private readonly readOnly: boolean,
  ) {
    this.uri = uri;
    this.searchPools = new SearchPools(uri, maxConnections);
    this.changes = new RunChanges({ first: () => this.listener.start(), last: () => this.listener.stop() });
    this.listener = new ChangeListener(uri, this.changes);
    this.access = new PostgresAccess(pool, (work) => this.inTransaction(work));
    this.annotations = new PostgresAnnotations(pool, (work) => this.inTransaction(work));
  }

  /** Opens the catalog at `uri` (postgresql://...), migrating its schema unless told not to. */
  static async open(uri: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const location = redactedUri(uri);
    const pool = openPool(uri, options.maxConnections);
    try {
      const compileOptions = await checkServer(pool, location);
      if (options.migrate === false) {
        const version = (await appliedVersion(pool)) ?? 0;
        // Without migrations nothing is created: an empty database holds no catalog.
        if (version === 0) throw new NoCatalogError(uri, "the database has no databroker schema");
        if (version !== SCHEMA_VERSION) {
          throw new UnsupportedError(
            `${location}: catalog schema version ${version}, this databroker reads ${SCHEMA_VERSION}: run databroker migrate`,
          );
        }
      } else await migrate(pool, location);
      return new PostgresStore(uri, pool, compileOptions, options.maxConnections, options.readOnly ?? false);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** Applies pending migrations to the database at `uri` (what `databroker migrate` does). */
  static async migrate(uri: string): Promise<MigrationResult> {
    const pool = openPool(uri, 1);
    try {
      const location = redactedUri(uri);
      await checkServer(pool, location);
      return await migrate(pool, location);
    } finally {
      await pool.end();
    }
  }

  // --- writing -------------------------------------------------------------------------------------------

  put(batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>, options?: PutOptions): Promise<PutReport> {
    return putBatch(batch, { transaction: (work) => this.transaction(work) }, options);
  }

  /**
   * One put's transaction. A deadlock between late lock rounds, or a race the locks did not foresee, rolls
   * it back and runs it again from the lookups (resolving a collected batch only reads it).
   */
  private transaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return this.inTransaction((client) => work(new PostgresIngest(client)));
  }

  /** `work` on one client between BEGIN and COMMIT, rolled back on failure and retried as a put is. */
  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new UnsupportedError(`${redactedUri(this.uri)} was opened read-only`);
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        if (!isRetryable(error) || attempt >= MAX_PUT_ATTEMPTS) throw error;
      } finally {
        client.release();
      }
    }
  }

  async deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion> {
    const deletion = await this.inTransaction((client) => deleteRunRows(client, uid, request));
    if (deletion === null) throw new NotFoundError(`no run has uid ${uid}`);
    return deletion;
  }

  async deletions(): Promise<RunDeletion[]> {
    return (await this.pool.query(bound(DELETIONS, []))).rows as RunDeletion[];
  }

  // --- reading -------------------------------------------------------------------------------------------

  private async decoded<T>(uid: string, name: SingletonName): Promise<T | undefined> {
    const { rows } = await this.pool.query(bound(DOCUMENT, [uid]));
    return rows[0]?.name === name ? decodeExact<T>(rows[0].body) : undefined;
  }

  private async requireRun(runUid: string): Promise<void> {
    const { rowCount } = await this.pool.query(bound(RUN_EXISTS, [runUid]));
    if (!rowCount) throw new NotFoundError(`no run has uid ${runUid}`);
  }

  private async runDocuments<T>(runUid: string, name: SingletonName): Promise<T[]> {
    await this.requireRun(runUid);
    const { rows } = await this.pool.query(bound(RUN_DOCUMENTS, [runUid, name]));
    return rows.map((row) => decodeExact<T>(row.body));
  }

  start(uid: string): Promise<RunStart | undefined> {
    return this.decoded<RunStart>(uid, "start");
  }

  async stop(runUid: string): Promise<RunStop | undefined> {
    const { rows } = await this.pool.query(bound(RUN_STOP, [runUid]));
    return rows.length > 0 ? decodeExact<RunStop>(rows[0].body) : undefined;
  }

  async findRun(ref: RunRef): Promise<RunStart> {
    const parsed = parseRunRef(ref);
    let uid: string | undefined;
    if (parsed.kind === "uid") {
      if ((await this.pool.query(bound(RUN_EXISTS, [parsed.uid]))).rowCount) uid = parsed.uid;
      else if (parsed.uid.length < MIN_PREFIX) throw tooShortPrefix(parsed.uid);
      else {
        const params = new SqlParams();
        const prefix = new QueryCompiler(params, this.compileOptions).uidPrefix("r", parsed.uid);
        const { rows } = await this.pool.query(
          `SELECT r.uid FROM runs r WHERE ${prefix} ORDER BY r.uid LIMIT ${MAX_LISTED + 1}`,
          params.values,
        );
        uid = pickByPrefix(
          parsed.uid,
          rows.map((row) => row.uid),
        );
      }
    } else if (parsed.kind === "scan_id") {
      uid = (await this.pool.query(bound(NEWEST_WITH_SCAN_ID, [parsed.scanId]))).rows[0]?.uid;
    } else {
      uid = (await this.pool.query(bound(RECENT, [parsed.n - 1]))).rows[0]?.uid;
    }
    if (uid === undefined) throw new NotFoundError(`no run matches ${describeRef(parsed)}`);
    return (await this.decoded<RunStart>(uid, "start"))!;
  }

  descriptors(runUid: string): Promise<EventDescriptor[]> {
    return this.runDocuments<EventDescriptor>(runUid, "descriptor");
  }

  async *columns(
    descriptorUids: string[],
    fields?: string[],
    seq?: SeqRange,
    options?: ColumnReadOptions,
  ): AsyncIterable<ColumnPage> {
    // Pages in chunks (keyset pagination). The next chunk is fetched while this one is decoded and consumed;
    // no connection is held across a yield, so an abandoned read leaks nothing.
    const selection = columnSelection(fields, options);
    const from = float8Text(seq?.from ?? Number.NEGATIVE_INFINITY);
    const to = float8Text(seq?.to ?? Number.POSITIVE_INFINITY);
    const chunk = async (after: [string | null, number]) => {
      const { rows } = await this.pool.query<EventPageRow>(
        bound(PAGE_CHUNK, [descriptorUids, from, to, ...after]),
      );
      return { rows, records: await eventPageRecords(this.pool, rows, selection) };
    };
    let next: ReturnType<typeof chunk> | undefined = chunk([float8Text(Number.NEGATIVE_INFINITY), 0]);
    while (next) {
      const { rows, records } = await next;
      next = undefined;
      if (rows.length === PAGES_PER_READ) {
        const last = rows[rows.length - 1];
        next = chunk([float8Text(last.seq_first), last.id]);
        // Awaited on the next turn; a reader that stops early must not leave its failure unhandled.
        next.catch(() => undefined);
      }
      for (const record of records) {
        const page = sliceColumnPage(columnPageOf(record, selection), seq);
        if (page) yield page;
      }
    }
  }

  putFieldStats(
    descriptorUid: string,
    stats: Record<string, FieldStats>,
    options?: PutFieldStatsOptions,
  ): Promise<string[]> {
    return rewriteFieldStats(
      { transaction: (work) => this.transaction(work) },
      descriptorUid,
      stats,
      options,
    );
  }

  async unindexedFields(): Promise<UnindexedField[]> {
    return (await this.pool.query(UNINDEXED_FIELDS)).rows as UnindexedField[];
  }

  async fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>> {
    if (!(await this.pool.query(bound(IS_DESCRIPTOR, [descriptorUid]))).rowCount)
      throw new NotFoundError(`no descriptor has uid ${descriptorUid}`);
    return (await storedFieldStats(this.pool, [descriptorUid])).get(descriptorUid) ?? {};
  }

  resources(runUid: string): Promise<Resource[]> {
    return this.runDocuments<Resource>(runUid, "resource");
  }

  async runOf(documentUid: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(bound(RUN_OF, [documentUid]));
    return rows[0]?.run;
  }

  resource(uid: string): Promise<Resource | undefined> {
    return this.decoded<Resource>(uid, "resource");
  }

  async *datums(resourceUid: string): AsyncIterable<DatumPage> {
    let after = 0;
    for (;;) {
      const { rows } = await this.pool.query<DatumPageRow>(bound(DATUM_PAGE_CHUNK, [resourceUid, after]));
      for (const row of rows) yield datumPageDocument(datumPageRecord(row));
      if (rows.length < DATUM_PAGES_PER_READ) return;
      after = rows[rows.length - 1].id;
    }
  }

  streamResources(runUid: string): Promise<StreamResource[]> {
    return this.runDocuments<StreamResource>(runUid, "stream_resource");
  }

  streamResource(uid: string): Promise<StreamResource | undefined> {
    return this.decoded<StreamResource>(uid, "stream_resource");
  }

  async *streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum> {
    const { rows } = await this.pool.query(bound(STREAM_DATUMS, [streamResourceUid]));
    for (const row of rows) yield decodeExact<StreamDatum>(row.body);
  }

  watchRuns(listener: RunsListener): () => void {
    return this.changes.watch(listener);
  }

  async *documents(runUid: string): AsyncIterable<DocumentPair> {
    await this.requireRun(runUid);
    yield* replayRun(this.replaySource(runUid));
  }

  async *documentBatches(runUid: string, afterBatch: number): AsyncIterable<BatchedDocument> {
    await this.requireRun(runUid);
    yield* replayBatches(this.replaySource(runUid), afterBatch);
  }

  private replaySource(runUid: string): ReplaySource {
    return {
      logs: async (afterBatch) => {
        const { rows } = await this.pool.query(bound(RUN_LOGS, [runUid, afterBatch]));
        return rows.map((row) => ({ batch: row.batch, entries: decodeExact<LogEntry[]>(row.entries) }));
      },
      documents: async () => {
        const { rows } = await this.pool.query(bound(RUN_ALL_DOCUMENTS, [runUid]));
        return new Map(rows.map((row) => [row.uid, { name: row.name, body: row.body }]));
      },
      eventPage: async (batch, pageNo) => {
        const { rows } = await this.pool.query<EventPageRow>(bound(PAGE_AT, [batch, pageNo]));
        return (await eventPageRecords(this.pool, rows))[0];
      },
      datumPage: async (batch, pageNo) => {
        const { rows } = await this.pool.query<DatumPageRow>(bound(DATUM_PAGE_AT, [batch, pageNo]));
        return datumPageRecord(rows[0]);
      },
    };
  }

  // --- searching -----------------------------------------------------------------------------------------

  /** Throws what duplicate rules (scan_id "error", ambiguous partial uids) find within their scopes. */
  private async checkDuplicates(query: Query, options: SearchOptions): Promise<void> {
    for (const check of duplicateChecks(query, this.compiling(options))) {
      const { rows } = await this.searched(options, { text: check.sql, values: check.params });
      const failure = check.failure(rows);
      if (failure) throw failure;
    }
  }

  private async summaries(uids: string[]): Promise<RunSummary[]> {
    const { rows } = await this.pool.query(bound(SUMMARIES, [uids]));
    const byUid = new Map<string, RunSummary>();
    for (const row of rows) {
      byUid.set(row.uid, {
        uid: row.uid,
        start: decodeExact<RunStart>(row.start),
        stop: row.stop ? decodeExact<RunStop>(row.stop) : null,
        streams: Object.fromEntries(row.streams as Array<[string, number]>),
      });
    }
    return uids.flatMap((uid) => byUid.get(uid) ?? []);
  }

  /** How one search compiles: the server's collations, and whose annotations its annotation keys reach. */
  private compiling(options: SearchOptions): CompileOptions {
    return { ...this.compileOptions, readers: options.readers };
  }

  /** A search statement, under the search's deadline when it has one. */
  private searched(options: SearchOptions, statement: pg.QueryConfig): Promise<pg.QueryResult> {
    return this.searchPools.query(this.pool, options.deadline, statement);
  }

  async *runs(query: Query = ALL, options: StoreRunsOptions = {}): AsyncIterable<RunSummary> {
    await this.checkDuplicates(query, options);
    const { rows } = await this.searched(options, runsStatement(query, options, this.compiling(options)));
    const uids = rows.map((row) => row.uid as string);
    for (let at = 0; at < uids.length; at += SUMMARIES_PER_READ)
      yield* await this.summaries(uids.slice(at, at + SUMMARIES_PER_READ));
  }

  async count(query: Query = ALL, options: SearchOptions = {}): Promise<number> {
    await this.checkDuplicates(query, options);
    return (await this.searched(options, countStatement(query, this.compiling(options)))).rows[0].n;
  }

  /** The distinct values of `key` over the runs matching `query`, with how many runs hold each. */
  async distinct(key: QueryKey, query: Query = ALL, options: SearchOptions = {}): Promise<DistinctValue[]> {
    const stat = distinctStatOf(key);
    const scope = stat ? distinctStatScope(stat, query) : query;
    await this.checkDuplicates(scope, options);
    const { rows } = await this.searched(options, distinctStatement(key, scope, this.compiling(options)));
    return sortDistinct(
      rows.map((row) => ({ value: JSON.parse(row.value) as QueryValue, count: row.count })),
    );
  }

  async fields(query: Query = ALL, options: SearchOptions = {}): Promise<FieldListing[]> {
    await this.checkDuplicates(query, options);
    const { rows } = await this.searched(options, fieldsStatement(query, this.compiling(options)));
    return sortFieldListing(
      (rows as Array<FieldListingRow & { shape: number[] | null }>).map((row) =>
        fieldListingOf(row, row.shape),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listener.stop();
    await Promise.all([this.pool.end(), this.searchPools.end()]);
  }
}
