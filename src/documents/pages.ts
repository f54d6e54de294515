// Row <-> column conversions of the event model: events <-> event pages, datums <-> datum pages, the
// deprecated bulk documents to pages, and re-paging. Every conversion round-trips exactly (deep-equal).
import { ValidationError } from "../errors.ts";
import { floatKeysOf, markFloat } from "./floatMarks.ts";
import type { BulkDatum, BulkEvents, Datum, DatumPage, Event, EventPage } from "./types.ts";

/** Are `keys` exactly the keys of `row` (in any order), as Object.keys would list them? */
function hasExactlyKeys(row: Record<string, unknown>, keys: string[]): boolean {
  let count = 0;
  for (const key in row) if (Object.hasOwn(row, key)) count++;
  return count === keys.length && keys.every((key) => Object.hasOwn(row, key));
}

/** Rows of records -> one record of columns; every row must have the same keys (a page is rectangular). */
function toColumns<T>(rows: Array<Record<string, T>>, what: string, field: string): Record<string, T[]> {
  // The key list is taken once, from the first row; the others are only checked against it.
  const keys = rows.length > 0 ? Object.keys(rows[0]) : [];
  const columns: Record<string, T[]> = {};
  for (const key of keys) columns[key] = new Array<T>(rows.length);
  rows.forEach((row, i) => {
    if (!hasExactlyKeys(row, keys)) {
      const rowKeys = Object.keys(row);
      throw new ValidationError(
        `cannot page ${what}: row ${i} has ${field} keys [${rowKeys}], row 0 [${keys}]`,
        [
          {
            doc_index: i,
            name: what,
            path: field,
            rule: "page-keys",
            message: `${field} keys differ from the first row's`,
          },
        ],
      );
    }
    for (const key of keys) columns[key][i] = row[key];
    // A whole float of the row (1.0) stays one in its column (floatMarks.ts).
    const floats = floatKeysOf(row);
    if (floats !== undefined) for (const key of floats) if (key in columns) markFloat(columns[key], i);
  });
  return columns;
}

/** Row `i` of a record of columns. */
function rowOf<T>(columns: Record<string, T[]>, i: number): Record<string, T> {
  const row: Record<string, T> = {};
  const columnFloats = floatKeysOf(columns);
  for (const key in columns) {
    row[key] = columns[key][i];
    if (columnFloats?.has(key) || floatKeysOf(columns[key])?.has(String(i))) markFloat(row, key);
  }
  return row;
}

function sliceColumns<T>(columns: Record<string, T[]>, start: number, end: number): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  const columnFloats = floatKeysOf(columns);
  for (const key in columns) {
    out[key] = columns[key].slice(start, end);
    if (columnFloats?.has(key)) markFloat(out, key);
    // Array.slice leaves the marks of whole floats behind: carry them, shifted.
    for (const row of floatKeysOf(columns[key]) ?? []) {
      const at = Number(row) - start;
      if (at >= 0 && at < end - start) markFloat(out[key], at);
    }
  }
  return out;
}

/** Pages' columns, concatenated; every page must have the same keys. */
function concatColumns<T>(parts: Array<Record<string, T[]>>, field: string): Record<string, T[]> {
  const keys = Object.keys(parts[0] ?? {});
  const out: Record<string, T[]> = {};
  for (const key of keys) out[key] = [];
  parts.forEach((part, i) => {
    const partKeys = Object.keys(part);
    if (partKeys.length !== keys.length || partKeys.some((key) => !(key in out))) {
      throw new ValidationError(
        `cannot merge pages: page ${i} has ${field} keys [${partKeys}], page 0 [${keys}]`,
      );
    }
    for (const key of keys) for (const value of part[key]) out[key].push(value);
  });
  return out;
}

/** Events of one descriptor -> one event page. `filled` is kept when any event carries it. */
export function packEventPage(events: Event[]): EventPage {
  if (events.length === 0) throw new ValidationError("cannot pack an event page from no events");
  const descriptor = events[0].descriptor;
  const other = events.findIndex((event) => event.descriptor !== descriptor);
  if (other >= 0) {
    throw new ValidationError(`cannot pack events of several descriptors into one page (row ${other})`, [
      { doc_index: other, name: "event", path: "descriptor", rule: "page-descriptor", message: "differs" },
    ]);
  }
  const page: EventPage = {
    descriptor,
    uid: events.map((event) => event.uid),
    seq_num: events.map((event) => event.seq_num),
    time: events.map((event) => event.time),
    data: toColumns(
      events.map((event) => event.data),
      "event",
      "data",
    ),
    timestamps: toColumns(
      events.map((event) => event.timestamps),
      "event",
      "timestamps",
    ),
  };
  // An event without `filled` packs like one with an empty `filled` when its neighbours carry one.
  if (events.some((event) => event.filled !== undefined)) {
    page.filled = toColumns(
      events.map((event) => event.filled ?? {}),
      "event",
      "filled",
    );
  }
  return page;
}

/** An event page -> its events, in page order. */
export function unpackEventPage(page: EventPage): Event[] {
  return page.uid.map((uid, i) => {
    const event: Event = {
      uid,
      descriptor: page.descriptor,
      seq_num: page.seq_num[i],
      time: page.time[i],
      data: rowOf(page.data, i),
      timestamps: rowOf(page.timestamps, i),
    };
    if (page.filled !== undefined) event.filled = rowOf(page.filled, i);
    return event;
  });
}

/** Datums of one resource -> one datum page. */
export function packDatumPage(datums: Datum[]): DatumPage {
  if (datums.length === 0) throw new ValidationError("cannot pack a datum page from no datums");
  const resource = datums[0].resource;
  const other = datums.findIndex((datum) => datum.resource !== resource);
  if (other >= 0) {
    throw new ValidationError(`cannot pack datums of several resources into one page (row ${other})`, [
      { doc_index: other, name: "datum", path: "resource", rule: "page-resource", message: "differs" },
    ]);
  }
  return {
    resource,
    datum_id: datums.map((datum) => datum.datum_id),
    datum_kwargs: toColumns(
      datums.map((datum) => datum.datum_kwargs),
      "datum",
      "datum_kwargs",
    ),
  };
}

/** A datum page -> its datums, in page order. */
export function unpackDatumPage(page: DatumPage): Datum[] {
  return page.datum_id.map((datum_id, i) => ({
    datum_id,
    resource: page.resource,
    datum_kwargs: rowOf(page.datum_kwargs, i),
  }));
}

/** The deprecated `bulk_events` ({descriptor uid: events}) -> one event page per non-empty descriptor. */
export function bulkEventsToEventPages(bulk: BulkEvents): EventPage[] {
  return Object.values(bulk)
    .filter((events) => events.length > 0)
    .map(packEventPage);
}

/** The deprecated `bulk_datum` -> one datum page. */
export function bulkDatumToDatumPage(bulk: BulkDatum): DatumPage {
  return {
    resource: bulk.resource,
    datum_id: [...bulk.datum_ids],
    datum_kwargs: toColumns(bulk.datum_kwarg_list, "bulk_datum", "datum_kwarg_list"),
  };
}

/** Rows `[start, end)` of an event page, as a page. */
export function sliceEventPage(page: EventPage, start: number, end: number): EventPage {
  const out: EventPage = {
    descriptor: page.descriptor,
    uid: page.uid.slice(start, end),
    seq_num: page.seq_num.slice(start, end),
    time: page.time.slice(start, end),
    data: sliceColumns(page.data, start, end),
    timestamps: sliceColumns(page.timestamps, start, end),
  };
  if (page.filled !== undefined) out.filled = sliceColumns(page.filled, start, end);
  return out;
}

/** Rows `[start, end)` of a datum page, as a page. */
export function sliceDatumPage(page: DatumPage, start: number, end: number): DatumPage {
  return {
    resource: page.resource,
    datum_id: page.datum_id.slice(start, end),
    datum_kwargs: sliceColumns(page.datum_kwargs, start, end),
  };
}

/** Consecutive pages of one descriptor -> one page (columns concatenated in order). */
export function mergeEventPages(pages: EventPage[]): EventPage {
  if (pages.length === 0) throw new ValidationError("cannot merge no event pages");
  const descriptor = pages[0].descriptor;
  if (pages.some((page) => page.descriptor !== descriptor)) {
    throw new ValidationError("cannot merge event pages of several descriptors");
  }
  const merged: EventPage = {
    descriptor,
    uid: pages.flatMap((page) => page.uid),
    seq_num: pages.flatMap((page) => page.seq_num),
    time: pages.flatMap((page) => page.time),
    data: concatColumns(
      pages.map((page) => page.data),
      "data",
    ),
    timestamps: concatColumns(
      pages.map((page) => page.timestamps),
      "timestamps",
    ),
  };
  if (pages.some((page) => page.filled !== undefined)) {
    merged.filled = concatColumns(
      pages.map((page) => page.filled ?? {}),
      "filled",
    );
  }
  return merged;
}

/** Consecutive pages of one resource -> one page. */
export function mergeDatumPages(pages: DatumPage[]): DatumPage {
  if (pages.length === 0) throw new ValidationError("cannot merge no datum pages");
  const resource = pages[0].resource;
  if (pages.some((page) => page.resource !== resource)) {
    throw new ValidationError("cannot merge datum pages of several resources");
  }
  return {
    resource,
    datum_id: pages.flatMap((page) => page.datum_id),
    datum_kwargs: concatColumns(
      pages.map((page) => page.datum_kwargs),
      "datum_kwargs",
    ),
  };
}

/**
 * Re-page a sequence of pages into pages of `size` rows (the last of a run of one key may be shorter).
 * A page never mixes keys (descriptors, resources): a key change closes the current page.
 */
function* rechunk<P>(
  pages: Iterable<P>,
  size: number,
  ops: {
    key: (page: P) => string;
    length: (page: P) => number;
    slice: (page: P, start: number, end: number) => P;
    merge: (pages: P[]) => P;
  },
): Generator<P> {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`page size must be a positive integer: ${size}`);
  let pending: P[] = [];
  let pendingRows = 0;
  let pendingKey: string | undefined;
  for (const page of pages) {
    const key = ops.key(page);
    if (pendingRows > 0 && key !== pendingKey) {
      yield ops.merge(pending);
      pending = [];
      pendingRows = 0;
    }
    pendingKey = key;
    const length = ops.length(page);
    for (let start = 0; start < length; ) {
      const end = Math.min(length, start + size - pendingRows);
      pending.push(start === 0 && end === length ? page : ops.slice(page, start, end));
      pendingRows += end - start;
      start = end;
      if (pendingRows === size) {
        yield ops.merge(pending);
        pending = [];
        pendingRows = 0;
      }
    }
  }
  if (pendingRows > 0) yield ops.merge(pending);
}

/** Event pages re-paged to `size` rows each; a page never spans two descriptors. */
export function rechunkEventPages(pages: Iterable<EventPage>, size: number): Generator<EventPage> {
  return rechunk(pages, size, {
    key: (page) => page.descriptor,
    length: (page) => page.uid.length,
    slice: sliceEventPage,
    merge: (parts) => (parts.length === 1 ? parts[0] : mergeEventPages(parts)),
  });
}

/** Datum pages re-paged to `size` rows each; a page never spans two resources. */
export function rechunkDatumPages(pages: Iterable<DatumPage>, size: number): Generator<DatumPage> {
  return rechunk(pages, size, {
    key: (page) => page.resource,
    length: (page) => page.datum_id.length,
    slice: sliceDatumPage,
    merge: (parts) => (parts.length === 1 ? parts[0] : mergeDatumPages(parts)),
  });
}
