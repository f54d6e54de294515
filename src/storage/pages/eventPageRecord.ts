// An event page record <-> its contents: encode columns (from single events or an event_page) into the stored
// form, and decode it back as column pages (reads), event_page documents or single events (replay).
import { sliceEventPage, unpackEventPage } from "../../documents/pages.ts";
import type { Event, EventPage } from "../../documents/types.ts";
import { ValidationError } from "../../errors.ts";
import type { ColumnPage, ColumnRole, PageColumn } from "../ColumnPage.ts";
import { BufferArena } from "../codec/BufferArena.ts";
import {
  type ColumnValues,
  columnValues,
  decodeColumn,
  type EncodedColumn,
  encodeColumn,
  scalarNumbers,
} from "../codec/columnCodec.ts";
import { bytesToFloat64, float64ToBytes } from "../codec/float64Bytes.ts";
import { decodeStrings, encodeStrings } from "../codec/stringList.ts";
import { columnStats, numberStats } from "../ingest/fieldStats.ts";
import type { ColumnRecord, EventOrigin, EventPageRecord } from "../records.ts";
import { columnSelection, selects } from "./columnSelection.ts";

const EVERYTHING = columnSelection();

/**
 * The column form of an event page, as in an event_page document (`filled` only when carried); numeric
 * columns may come as Float64Arrays (single events packed by the ingest's EventPager).
 */
export interface EventColumns {
  uid: readonly unknown[];
  seq_num: ColumnValues;
  time: ColumnValues;
  data: Record<string, ColumnValues>;
  timestamps: Record<string, ColumnValues>;
  filled?: Record<string, ColumnValues>;
}

/** Room for the page's seq_num, time and every column as scalars, and its uids: one buffer for a typical page. */
function ownBufferBytes(page: EventColumns): number {
  let columns = 2;
  for (const _ in page.data) columns += 2;
  return page.uid.length * (8 * columns + 40);
}

/** The seq_num or time column: its numbers, and the least and greatest of them (0 for an empty page). */
function numericColumn(
  values: ColumnValues,
  field: string,
  descriptor: string,
  arena: BufferArena,
): { bytes: Uint8Array; first: number; last: number } {
  const numbers = values.length === 0 ? new Float64Array(0) : scalarNumbers(values, arena);
  if (numbers === null) {
    throw new ValidationError(`events of descriptor ${descriptor}: every ${field} must be a number`, [
      { name: "event", path: field, rule: "type", message: `event: ${field} must be a number` },
    ]);
  }
  const bytes = float64ToBytes(numbers);
  if (numbers.length === 0) return { bytes, first: 0, last: 0 };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] < first) first = numbers[i];
    if (numbers[i] > last) last = numbers[i];
  }
  return { bytes, first, last };
}

/** Encodes each column of one role; statistics for data columns (from the numbers themselves when numeric). */
function encodeRole(
  role: ColumnRole,
  columns: Record<string, ColumnValues>,
  arena: BufferArena,
  out: ColumnRecord[],
): void {
  for (const key in columns) {
    const values = columns[key];
    const numbers = scalarNumbers(values, arena);
    if (numbers !== null) {
      const stats = role === "data" ? numberStats(numbers, numbers.length, []) : null;
      out.push({
        role,
        key,
        encoding: "float64",
        shape: [numbers.length],
        bytes: float64ToBytes(numbers),
        stats,
      });
    } else {
      const { encoding, shape, bytes } = encodeColumn(values, arena);
      const stats = role === "data" ? columnStats({ encoding, shape, bytes }, values) : null;
      out.push({ role, key, encoding, shape, bytes, stats });
    }
  }
}

/**
 * Encodes a page. Its numbers and uids go into `arena` when given (the pages of a batch share a few large
 * buffers), else into one buffer of the page's own.
 */
export function encodeEventPage(
  pageNo: number,
  descriptor: string,
  origin: EventOrigin,
  page: EventColumns,
  arena = new BufferArena(ownBufferBytes(page)),
): EventPageRecord {
  const seq = numericColumn(page.seq_num, "seq_num", descriptor, arena);
  const time = numericColumn(page.time, "time", descriptor, arena);
  const columns: ColumnRecord[] = [];
  encodeRole("data", page.data, arena, columns);
  encodeRole("timestamps", page.timestamps, arena, columns);
  if (page.filled) encodeRole("filled", page.filled, arena, columns);
  return {
    pageNo,
    descriptor,
    origin,
    length: page.uid.length,
    seqFirst: seq.first,
    seqLast: seq.last,
    timeFirst: time.first,
    timeLast: time.last,
    uids: encodeStrings(page.uid, arena),
    seqNums: seq.bytes,
    times: time.bytes,
    hasFilled: page.filled !== undefined,
    columns,
  };
}

/** The page as columns: only what `selection` asks for (everything by default). */
export function columnPageOf(record: EventPageRecord, selection = EVERYTHING): ColumnPage {
  const page: ColumnPage = {
    descriptor: record.descriptor,
    length: record.length,
    seq_num: bytesToFloat64(record.seqNums),
    time: bytesToFloat64(record.times),
    data: {},
    timestamps: {},
    filled: {},
  };
  if (selection.uids) page.uid = decodeStrings(record.uids);
  for (const column of record.columns) {
    if (!selects(selection, column.role, column.key)) continue;
    page[column.role][column.key] = decodeColumn(column as EncodedColumn);
  }
  return page;
}

function valuesOf(columns: Record<string, PageColumn>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const key in columns) out[key] = columnValues(columns[key]);
  return out;
}

/** The page back in event_page form, deep-equal to what was encoded. */
export function eventPageDocument(record: EventPageRecord): EventPage {
  const page = columnPageOf(record);
  const doc: EventPage = {
    uid: page.uid ?? [],
    descriptor: record.descriptor,
    seq_num: Array.from(page.seq_num),
    time: Array.from(page.time),
    data: valuesOf(page.data),
    timestamps: valuesOf(page.timestamps),
  };
  if (record.hasFilled) doc.filled = valuesOf(page.filled) as EventPage["filled"];
  return doc;
}

/** Rows `from .. from + count - 1` of the page as single events. */
export function eventsOfPage(record: EventPageRecord, from = 0, count = record.length - from): Event[] {
  const page = eventPageDocument(record);
  const rows = from === 0 && count === record.length ? page : sliceEventPage(page, from, from + count);
  return unpackEventPage(rows);
}

function keepRows<T>(columns: Record<string, T[]>, keep: boolean[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const key in columns) out[key] = columns[key].filter((_, row) => keep[row]);
  return out;
}

/** The same page without the rows where `keep` is false (used when part of it is already stored). */
export function filterEventPage(record: EventPageRecord, keep: boolean[]): EventPageRecord {
  const page = eventPageDocument(record);
  const kept: EventColumns = {
    uid: (page.uid as string[]).filter((_, row) => keep[row]),
    seq_num: page.seq_num.filter((_, row) => keep[row]),
    time: page.time.filter((_, row) => keep[row]),
    data: keepRows(page.data, keep),
    timestamps: keepRows(page.timestamps, keep),
  };
  if (page.filled) kept.filled = keepRows(page.filled, keep) as EventPage["filled"];
  return encodeEventPage(record.pageNo, record.descriptor, record.origin, kept);
}
