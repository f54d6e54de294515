// The storage port: one interface every adapter (memory, sqlite, later files and postgres) implements, so the
// broker never knows which one it holds. Methods are async because some adapters (PostgreSQL) are.
import type { AccessRecords } from "../access/AccessRecords.ts";
import type { AnnotationRecords } from "../annotations/AnnotationRecords.ts";
import type { RunRef } from "../catalog/RunRef.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import type { SeqRange } from "../catalog/SeqRange.ts";
import type { SortKey } from "../catalog/SortKey.ts";
import type {
  DatumPage,
  DocumentPair,
  EventDescriptor,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../documents/types.ts";
import type { Finding } from "../errors.ts";
import type { DistinctValue } from "../queries/distinct.ts";
import type { FieldListing } from "../queries/fieldListing.ts";
import type { FieldStats } from "../queries/fieldStats.ts";
import type { Query, QueryKey } from "../queries/Query.ts";
import type { SearchDeadline } from "../queries/SearchDeadline.ts";
import type { ColumnPage, ColumnReadOptions } from "./ColumnPage.ts";
import type { DeletionRequest, RunDeletion } from "./deletions.ts";
import type { FederationReport } from "./federation/FederationReport.ts";
import type { RunsListener } from "./RunChanges.ts";
import type { BatchedDocument } from "./replay.ts";

/** What a put checks besides the event model. */
export interface PutOptions {
  /**
   * A rule the caller adds for Resources and StreamResources (the broker's `file-root`: their files must lie
   * inside the catalog's file roots): its findings reject the batch like any other error.
   */
  checkResource?: (name: "resource" | "stream_resource", doc: Readonly<Record<string, unknown>>) => Finding[];
  /**
   * Settles once the batch's input has all arrived (an upload still coming in): the write transaction is
   * not begun before, so a slow source never holds the write lock. A rejection fails the put.
   */
  inputComplete?: Promise<void>;
}

/** What one `put` did. Every document of the batch is either stored or skipped; a rejected batch throws. */
export interface PutReport {
  /** Documents read from the batch. */
  documents: number;
  /** Documents newly stored. */
  stored: number;
  /** Documents already stored identically (idempotent re-ingest): nothing written for them. */
  skipped: number;
  /** Events newly stored; an event_page counts its rows. */
  events: number;
  /** Uids of the runs the batch touched, in first-seen order. */
  runs: string[];
  /** Uids of the runs whose start the batch stored. */
  started: string[];
  /** Uids of the runs whose stop the batch stored. */
  stopped: string[];
  /**
   * Warnings of the run checks (no stop yet, a failed run, ...): stored anyway. Their doc_index counts
   * documents of the batch.
   */
  warnings: Finding[];
}

/** A field of a descriptor whose statistics are not known yet (FieldStats.indexed false). */
export interface UnindexedField {
  run: string;
  descriptor: string;
  stream: string;
  field: string;
}

export interface PutFieldStatsOptions {
  /**
   * Each field's stored `events` when its values were read: a field whose count differs now (events were
   * added meanwhile, statistics that would miss them) is left as it is, not written.
   */
  eventsWhenRead?: Readonly<Record<string, number>>;
}

/** What every search takes: past `deadline` it throws SearchTimeoutError (none: no limit). */
export interface SearchOptions {
  deadline?: SearchDeadline;
  /**
   * Whose annotations `annotations.` and `tags` keys reach: those readable by one of these reader tokens
   * (annotations/Annotation.ts readersOf; the access policy's annotationReaders). Undefined: every one.
   */
  readers?: readonly string[];
  /**
   * Where a federation of catalogs notes the sources that failed and the runs its sources hold differently
   * (storage/federation): the answer is then partial. Other stores never fail partly and leave it alone.
   */
  report?: FederationReport;
}

/** Which page of the runs a store lists, in which order, within the search's deadline. */
export interface StoreRunsOptions extends SearchOptions {
  limit?: number;
  offset?: number;
  /** Default: newest first (`time` descending); ties are always broken by uid ascending. */
  sort?: SortKey[];
}

export interface Store {
  /** The catalog URI this store was opened from. */
  readonly uri: string;
  /**
   * Where this catalog itself says its external files are: a Resource `root` -> a directory (a
   * databroker-pack's root_map, made absolute). Readers apply it before any root_map of their own.
   */
  readonly rootMap?: Readonly<Record<string, string>>;

  /**
   * Stores a batch atomically: all or nothing. Identical documents already stored are skipped; a different
   * document under an existing uid throws ConflictError; invalid documents, events of an unknown descriptor
   * or documents of an unknown run throw ValidationError with findings. Nothing of a rejected batch is kept.
   */
  put(batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>, options?: PutOptions): Promise<PutReport>;

  /**
   * Deletes the run `uid` (a full start uid) and everything of it — start, stop, descriptors, events,
   * resources, datums, stream resources and datums, statistics, annotations, search rows — atomically, and records who,
   * when and why (deletions()). NotFoundError when no run has that uid: a second delete is an error, so each
   * record stands for one deletion that happened.
   */
  deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion>;
  /** The audit records of the runs deleted from this catalog, oldest first. */
  deletions(): Promise<RunDeletion[]>;

  /** The catalog's access data (memberships, API keys, audit): see access/AccessRecords.ts. */
  readonly access: AccessRecords;
  /** The annotations of its runs and their revisions: see annotations/AnnotationRecords.ts. */
  readonly annotations: AnnotationRecords;

  start(uid: string): Promise<RunStart | undefined>;
  /** Resolves a RunRef; NotFoundError when nothing matches, ValidationError for an ambiguous prefix. */
  findRun(ref: RunRef): Promise<RunStart>;
  stop(runUid: string): Promise<RunStop | undefined>;
  /** The run a stored descriptor, resource or stream resource belongs to; undefined when none has that uid. */
  runOf(documentUid: string): Promise<string | undefined>;

  /** The run's descriptors in the order they were stored. NotFoundError for an unknown run. */
  descriptors(runUid: string): Promise<EventDescriptor[]>;
  /**
   * Event data of the descriptors as column pages, ordered by first seq_num (descriptors of one stream
   * merge); only `fields` when given (data, timestamps and filled alike); only events within `seq`; only the
   * parts `options` asks for.
   */
  columns(
    descriptorUids: string[],
    fields?: string[],
    seq?: SeqRange,
    options?: ColumnReadOptions,
  ): AsyncIterable<ColumnPage>;
  fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>>;
  /**
   * Replaces the statistics of the fields given (computed after ingest: `databroker index`) of a stored
   * descriptor, the others kept, and rewrites its stream's summary that search into data reads, in one
   * commit; the fields written. NotFoundError for an unknown descriptor.
   */
  putFieldStats(
    descriptorUid: string,
    stats: Record<string, FieldStats>,
    options?: PutFieldStatsOptions,
  ): Promise<string[]>;
  /** Every field not indexed yet, ordered by run, descriptor and field: what `databroker index` has to do. */
  unindexedFields(): Promise<UnindexedField[]>;

  resources(runUid: string): Promise<Resource[]>;
  resource(uid: string): Promise<Resource | undefined>;
  /** The datums of a resource as datum pages, in the order they were stored. */
  datums(resourceUid: string): AsyncIterable<DatumPage>;
  streamResources(runUid: string): Promise<StreamResource[]>;
  streamResource(uid: string): Promise<StreamResource | undefined>;
  streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum>;

  /**
   * Replays a run: documents deep-equal to those stored, in their original order. Events come back as
   * single events when they went in as events and as event_pages when they went in as pages; the
   * deprecated bulk_events / bulk_datum come back as event_pages / datum_pages.
   */
  documents(runUid: string): AsyncIterable<DocumentPair>;
  /**
   * The run's documents stored by the batches after `afterBatch` (-1: every one), each with its batch, in
   * replay order: a run's replay only grows at its end, so a follower reads on from the last batch it saw.
   * NotFoundError when no run has that uid.
   */
  documentBatches(runUid: string, afterBatch: number): AsyncIterable<BatchedDocument>;
  /**
   * Calls `listener` after each batch is committed, by this process or (SQLite within a second, PostgreSQL
   * at once) another one: which runs it touched, started and stopped. Returns the function that stops it.
   */
  watchRuns(listener: RunsListener): () => void;

  /** Runs matching `query`, summarised; the query is evaluated by the adapter itself, not in JavaScript. */
  runs(query?: Query, options?: StoreRunsOptions): AsyncIterable<RunSummary>;
  count(query?: Query, options?: SearchOptions): Promise<number>;
  /**
   * The distinct values of `key` (start, `stop.` or `descriptors.`) over the runs matching `query`, each with
   * how many runs hold it (queries/distinct.ts defines grouping and order); runs without the key are left out.
   */
  distinct(key: QueryKey, query?: Query, options?: SearchOptions): Promise<DistinctValue[]>;
  /**
   * The streams and fields of the runs matching `query`, each with how many runs have it, their events, its
   * overall min and max, its shape when they agree and how many runs are not indexed (queries/fieldListing.ts).
   */
  fields(query?: Query, options?: SearchOptions): Promise<FieldListing[]>;

  close(): Promise<void>;
}
