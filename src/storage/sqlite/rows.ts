import type { FieldStats } from "../../queries/fieldStats.ts";
import type { ColumnSelection } from "../pages/columnSelection.ts";
import {
  COLUMN_ENCODINGS,
  COLUMN_ROLES,
  type ColumnRecord,
  type DatumPageRecord,
  type EventPageRecord,
} from "../records.ts";
import type { Connection } from "./Connection.ts";

/** An event_pages row without its blobs (listing pages), and the blobs (reading one). */
export interface EventPageHead {
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
}

export const PAGE_HEAD_COLUMNS =
  "id, batch, page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last, has_filled";

/** A head with its uid, seq_num and time blobs, when the listing query selected them too. */
export interface EventPageRow extends EventPageHead {
  uids?: Uint8Array;
  seq_nums?: Uint8Array;
  times?: Uint8Array;
}

interface ColumnRow {
  role: number;
  key: string;
  encoding: number;
  shape: string;
  bytes: Uint8Array;
}

export interface DatumPageRow {
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
  sum_min: number | null;
  sum_max: number | null;
  mean_min: number | null;
  mean_max: number | null;
  indexed: number;
}

interface PageBlobs {
  uids: Uint8Array;
  seq_nums: Uint8Array;
  times: Uint8Array;
}

const COLUMN_ROW = "role, key, encoding, shape, bytes";

function recordOf(head: EventPageHead, blobs: PageBlobs, columns: ColumnRow[]): EventPageRecord {
  return {
    pageNo: head.page_no,
    descriptor: head.descriptor,
    origin: head.origin === 0 ? "event" : "event_page",
    length: head.length,
    seqFirst: head.seq_first,
    seqLast: head.seq_last,
    timeFirst: head.time_first,
    timeLast: head.time_last,
    uids: blobs.uids,
    seqNums: blobs.seq_nums,
    times: blobs.times,
    hasFilled: head.has_filled === 1,
    columns: columns.map(
      (column): ColumnRecord => ({
        role: COLUMN_ROLES[column.role],
        key: column.key,
        encoding: COLUMN_ENCODINGS[column.encoding],
        shape: JSON.parse(column.shape),
        bytes: column.bytes,
        stats: null,
      }),
    ),
  };
}

/** A whole event page record: the head, its uid/seq/time blobs, and all its columns. */
export function eventPageRecord(connection: Connection, head: EventPageHead): EventPageRecord {
  const blobs = connection
    .sql("SELECT uids, seq_nums, times FROM event_pages WHERE id = ?")
    .get(head.id) as PageBlobs;
  const columns = connection
    .sql(`SELECT ${COLUMN_ROW} FROM event_columns WHERE page = ? ORDER BY rowid`)
    .all(head.id) as ColumnRow[];
  return recordOf(head, blobs, columns);
}

/** The blobs a page read selects: uids only when the read wants them (an empty blob otherwise). */
export function pageBlobColumns(selection: ColumnSelection): string {
  return `${selection.uids ? "uids" : "x'' AS uids"}, seq_nums, times`;
}

/**
 * Records of pages listed with their blobs (see pageBlobColumns), with only the columns `selection` wants:
 * one statement for the columns of all of them.
 */
export function eventPageRecords(
  connection: Connection,
  rows: EventPageRow[],
  selection: ColumnSelection,
): EventPageRecord[] {
  if (rows.length === 0) return [];
  const roles = [...selection.roles].map((role) => COLUMN_ROLES.indexOf(role));
  const columns = new Map<number, ColumnRow[]>(rows.map((row) => [row.id, []]));
  if (roles.length > 0) {
    const keyFilter = selection.fieldList ? "AND key IN (SELECT value FROM json_each(?))" : "";
    const statement = connection.sql(
      `SELECT page, ${COLUMN_ROW} FROM event_columns
         WHERE page IN (SELECT value FROM json_each(?)) AND role IN (${roles.join(", ")}) ${keyFilter}
         ORDER BY rowid`,
    );
    const ids = JSON.stringify(rows.map((row) => row.id));
    const found = (
      selection.fieldList ? statement.all(ids, JSON.stringify(selection.fieldList)) : statement.all(ids)
    ) as Array<ColumnRow & { page: number }>;
    for (const column of found) columns.get(column.page)!.push(column);
  }
  return rows.map((row) => recordOf(row, row as PageBlobs, columns.get(row.id)!));
}

export function datumPageRecord(row: DatumPageRow): DatumPageRecord {
  return {
    pageNo: row.page_no,
    resource: row.resource,
    origin: row.origin === 0 ? "datum" : "datum_page",
    length: row.length,
    body: row.body,
  };
}

export function storedFieldStats(connection: Connection, descriptor: string): Record<string, FieldStats> {
  const rows = connection
    .sql("SELECT * FROM field_stats WHERE descriptor = ? ORDER BY rowid")
    .all(descriptor) as FieldStatsRow[];
  const stats: Record<string, FieldStats> = {};
  for (const row of rows) {
    stats[row.key] = {
      events: row.events,
      count: row.count,
      min: row.min,
      max: row.max,
      sum: row.sum,
      shape: row.shape === null ? null : JSON.parse(row.shape),
      sumMin: row.sum_min,
      sumMax: row.sum_max,
      meanMin: row.mean_min,
      meanMax: row.mean_max,
      indexed: row.indexed === 1,
    };
  }
  return stats;
}

/** A field's statistics as the values of a field_stats row after (descriptor, key), in the column order of writes. */
export function fieldStatsRow(field: FieldStats): unknown[] {
  const shape = field.shape === null ? null : JSON.stringify(field.shape);
  return [
    field.events,
    field.count,
    field.min,
    field.max,
    field.sum,
    shape,
    field.sumMin,
    field.sumMax,
    field.meanMin,
    field.meanMax,
    field.indexed ? 1 : 0,
  ];
}
