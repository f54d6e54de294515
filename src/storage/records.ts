// What adapters persist and read back: documents, event pages and datum pages in their encoded forms, and the
// per-run log that replays them in the original order. Shared ingest prepares these; adapters only store them.

import type { FieldStats } from "../queries/fieldStats.ts";
import type { ColumnRole } from "./ColumnPage.ts";
import type { EncodedColumn } from "./codec/columnCodec.ts";

/** Documents stored one by one, each under its uid (one uid namespace across these names). */
export type SingletonName = "start" | "stop" | "descriptor" | "resource" | "stream_resource" | "stream_datum";

export interface DocumentRecord {
  uid: string;
  name: SingletonName;
  /** The run the document belongs to. */
  run: string;
  /** stream_datum: its stream_resource; otherwise null. */
  parent: string | null;
  /** The document itself (adapters derive query columns from it). */
  doc: Record<string, unknown>;
  /** Its exact encoding (exactMsgpack), what replay decodes. */
  body: Uint8Array;
}

/** Every role, in the order whose index the SQL adapters store as the role's number. */
export const COLUMN_ROLES: readonly ColumnRole[] = ["data", "timestamps", "filled"];

/** Every column encoding, in the order whose index the SQL adapters store as the encoding's number. */
export const COLUMN_ENCODINGS: readonly EncodedColumn["encoding"][] = ["float64", "msgpack"];

export interface ColumnRecord extends EncodedColumn {
  role: ColumnRole;
  key: string;
  /** Statistics of this page's values (data columns only). */
  stats: FieldStats | null;
}

/** How the page's events arrived: as single events (replayed one by one) or as one event_page. */
export type EventOrigin = "event" | "event_page";

/** Events of one descriptor as columns. `pageNo` numbers pages within their batch. */
export interface EventPageRecord {
  pageNo: number;
  descriptor: string;
  origin: EventOrigin;
  length: number;
  /** Smallest and largest seq_num and time of the page (for range reads and time indexes). */
  seqFirst: number;
  seqLast: number;
  timeFirst: number;
  timeLast: number;
  /** uids (codec/stringList), seq_nums and times (little-endian float64). */
  uids: Uint8Array;
  seqNums: Uint8Array;
  times: Uint8Array;
  /** Whether the events carried `filled` (a page may carry an empty one). */
  hasFilled: boolean;
  columns: ColumnRecord[];
}

/** Bytes of a page's encoded columns (uids, seq_nums, times and every column): what it adds to a store. */
export function eventPageBytes(page: EventPageRecord): number {
  let bytes = page.uids.byteLength + page.seqNums.byteLength + page.times.byteLength;
  for (const column of page.columns) bytes += column.bytes.byteLength;
  return bytes;
}

export type DatumOrigin = "datum" | "datum_page";

/** Datums of one resource as one datum page. */
export interface DatumPageRecord {
  pageNo: number;
  resource: string;
  origin: DatumOrigin;
  length: number;
  /** Exact msgpack of `{datum_id, datum_kwargs}` in page (column) form. */
  body: Uint8Array;
}

/** One step of a run's replay: a stored document, or rows of a page of this batch. */
export type LogEntry =
  | [kind: typeof LOG_DOCUMENT, uid: string]
  | [kind: typeof LOG_EVENTS, pageNo: number, from: number, count: number]
  | [kind: typeof LOG_DATUMS, pageNo: number, from: number, count: number];

export const LOG_DOCUMENT = 0;
export const LOG_EVENTS = 1;
export const LOG_DATUMS = 2;

/** The log of one run within one batch. */
export interface RunLog {
  run: string;
  entries: LogEntry[];
}

/** A descriptor's stream and how many events this batch adds to it. */
export interface StreamCount {
  run: string;
  descriptor: string;
  stream: string;
  added: number;
}

/** Everything one `put` writes, checked and ready: adapters persist it in one transaction. */
export interface PreparedBatch {
  documents: DocumentRecord[];
  eventPages: EventPageRecord[];
  datumPages: DatumPageRecord[];
  logs: RunLog[];
  streamCounts: StreamCount[];
  /** The descriptors' statistics after this batch (replacing what was stored). */
  fieldStats: Array<{ descriptor: string; stats: Record<string, FieldStats> }>;
}
