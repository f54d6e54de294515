import type { FieldStats } from "../../queries/fieldStats.ts";
import { columnSelection } from "../pages/columnSelection.ts";
import {
  COLUMN_ENCODINGS,
  COLUMN_ROLES,
  type ColumnRecord,
  type DatumPageRecord,
  type EventPageRecord,
} from "../records.ts";
import { bound, type Queryable, statement } from "./connectionPool.ts";

/** The event_pages columns every page read selects. */
export const PAGE_COLUMNS =
  "id, batch, page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last, has_filled, uids, seq_nums, times";

/** The datum_pages columns every datum page read selects. */
export const DATUM_PAGE_COLUMNS = "id, page_no, resource, origin, length, body";

export interface EventPageRow {
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
  has_filled: boolean;
  uids: Uint8Array;
  seq_nums: Uint8Array;
  times: Uint8Array;
}

interface ColumnRow {
  page: number;
  role: number;
  key: string;
  encoding: number;
  shape: number[];
  bytes: Uint8Array;
}

export interface DatumPageRow {
  id: number;
  page_no: number;
  resource: string;
  origin: number;
  length: number;
  body: Uint8Array;
}

const ALL_COLUMNS = statement(
  "page_columns",
  "SELECT page, role, key, encoding, shape, bytes FROM event_columns WHERE page = ANY($1::bigint[]) AND role = ANY($2::smallint[]) ORDER BY page, position",
);
const SOME_COLUMNS = statement(
  "page_some_columns",
  "SELECT page, role, key, encoding, shape, bytes FROM event_columns WHERE page = ANY($1::bigint[]) AND role = ANY($2::smallint[]) AND key = ANY($3::text[]) ORDER BY page, position",
);

/** The pages as records, with only the columns `selection` wants, in the order given. */
export async function eventPageRecords(
  db: Queryable,
  pages: EventPageRow[],
  selection = columnSelection(),
): Promise<EventPageRecord[]> {
  if (pages.length === 0) return [];
  const ids = pages.map((page) => page.id);
  const roles = [...selection.roles].map((role) => COLUMN_ROLES.indexOf(role));
  const fields = selection.fieldList;
  const { rows } =
    roles.length === 0
      ? { rows: [] as ColumnRow[] }
      : await db.query<ColumnRow>(
          fields ? bound(SOME_COLUMNS, [ids, roles, fields]) : bound(ALL_COLUMNS, [ids, roles]),
        );
  const columns = new Map<number, ColumnRecord[]>(ids.map((id) => [id, []]));
  for (const row of rows) {
    columns.get(row.page)!.push({
      role: COLUMN_ROLES[row.role],
      key: row.key,
      encoding: COLUMN_ENCODINGS[row.encoding],
      shape: row.shape,
      bytes: row.bytes,
      stats: null,
    });
  }
  return pages.map((page) => ({
    pageNo: page.page_no,
    descriptor: page.descriptor,
    origin: page.origin === 0 ? "event" : "event_page",
    length: page.length,
    seqFirst: page.seq_first,
    seqLast: page.seq_last,
    timeFirst: page.time_first,
    timeLast: page.time_last,
    uids: page.uids,
    seqNums: page.seq_nums,
    times: page.times,
    hasFilled: page.has_filled,
    columns: columns.get(page.id)!,
  }));
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

const FIELD_STATS = statement(
  "field_stats",
  `SELECT descriptor, key, events, count, min, max, sum, shape, sum_min, sum_max, mean_min, mean_max, indexed
   FROM field_stats WHERE descriptor = ANY($1::text[])`,
);

/** The stored statistics of each descriptor that has some. */
export async function storedFieldStats(
  db: Queryable,
  descriptors: string[],
): Promise<Map<string, Record<string, FieldStats>>> {
  const found = new Map<string, Record<string, FieldStats>>();
  if (descriptors.length === 0) return found;
  const { rows } = await db.query(bound(FIELD_STATS, [descriptors]));
  for (const row of rows) {
    let stats = found.get(row.descriptor);
    if (!stats) found.set(row.descriptor, (stats = {}));
    stats[row.key] = {
      events: row.events,
      count: row.count,
      min: row.min,
      max: row.max,
      sum: row.sum,
      shape: row.shape,
      sumMin: row.sum_min,
      sumMax: row.sum_max,
      meanMin: row.mean_min,
      meanMax: row.mean_max,
      indexed: row.indexed === 1,
    };
  }
  return found;
}
