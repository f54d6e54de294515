// Packs single events into pages as they stream in: one open page per descriptor, closed when it is full or
// when the next event would not fit (different keys, `filled` carried or not, seq_num not increasing, or an
// event_page of the same descriptor in between), so each page is rectangular and ordered by seq_num. An
// event's values go into the page's columns as it arrives (ColumnBuilder): no event is kept until its page
// closes, and numbers land in Float64Arrays that the page is encoded from without a copy. The pages of a
// batch are carved from a few large buffers (BufferArena), which keeps garbage collection down.
import type { Event, EventPage } from "../../documents/types.ts";
import { BufferArena } from "../codec/BufferArena.ts";
import { encodeEventPage } from "../pages/eventPageRecord.ts";
import type { EventPageRecord } from "../records.ts";
import { ColumnBuilder } from "./ColumnBuilder.ts";
import { type Keys, keyOrder, keysOf } from "./sameKeys.ts";

/** Most events a page holds, and about how many bytes of values (big arrays make short pages). */
const MAX_ROWS = 1024;
const MAX_BYTES = 4 * 1024 * 1024;

/** Rough size of a value as stored: 8 bytes a number, arrays by their first element times their length. */
function estimatedBytes(value: unknown): number {
  if (Array.isArray(value)) return value.length === 0 ? 8 : value.length * estimatedBytes(value.at(0));
  if (typeof value === "string") return value.length + 8;
  return 8;
}

function rowLimit(event: Event): number {
  let bytes = 64;
  for (const key in event.data) bytes += estimatedBytes(event.data[key]) + 8;
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_BYTES / bytes)));
}

type Row = Record<string, unknown>;

/** Room for the numbers of a page's columns: one piece of the arena, handed out column by column. */
class PageRoom {
  private used = 0;
  private readonly buffer: Float64Array;

  constructor(
    private readonly rows: number,
    columns: number,
    arena: BufferArena,
  ) {
    this.buffer = arena.float64s(rows * columns);
  }

  column(): ColumnBuilder {
    const room = this.buffer.subarray(this.used, this.used + this.rows);
    this.used += this.rows;
    return new ColumnBuilder(room);
  }
}

/** The columns of one record of the events (`data`, `timestamps` or `filled`), in the page's key order. */
class RecordColumns {
  private readonly columns: ColumnBuilder[];

  constructor(
    readonly keys: Keys,
    room: PageRoom,
  ) {
    this.columns = keys.map(() => room.column());
  }

  /** Appends one record that has exactly these keys (`inOrder`: enumerated in this order). */
  push(record: Row, inOrder: boolean): void {
    if (inOrder) {
      // Enumeration order is the columns' order: no lookup by name.
      let n = 0;
      for (const key in record) this.columns[n++].push(record[key]);
    } else {
      for (let n = 0; n < this.keys.length; n++) this.columns[n].push(record[this.keys[n]]);
    }
  }

  finish(): Record<string, Float64Array | unknown[]> {
    const out: Record<string, Float64Array | unknown[]> = {};
    for (let n = 0; n < this.keys.length; n++) out[this.keys[n]] = this.columns[n].finish();
    return out;
  }
}

class OpenPage {
  readonly uid: unknown[] = [];
  readonly seqNum: ColumnBuilder;
  readonly time: ColumnBuilder;
  readonly data: RecordColumns;
  readonly timestamps: RecordColumns;
  readonly filled: RecordColumns | null;
  readonly limit: number;
  rows = 0;
  lastSeq = 0;

  constructor(
    readonly pageNo: number,
    first: Event,
    private readonly arena: BufferArena,
  ) {
    const dataKeys = keysOf(first.data);
    const timestampKeys = keysOf(first.timestamps);
    const filledKeys = keysOf(first.filled);
    this.limit = rowLimit(first);
    const columns = 2 + dataKeys.length + timestampKeys.length + (filledKeys?.length ?? 0);
    const room = new PageRoom(this.limit, columns, arena);
    this.seqNum = room.column();
    this.time = room.column();
    this.data = new RecordColumns(dataKeys, room);
    this.timestamps = new RecordColumns(timestampKeys, room);
    this.filled = filledKeys === null ? null : new RecordColumns(filledKeys, room);
  }

  /** Appends `event` when it fits this page (see the module comment); false, leaving the page as it was, if not. */
  append(event: Event): boolean {
    if (this.rows > 0 && !(event.seq_num > this.lastSeq)) return false;
    const data = keyOrder(event.data, this.data.keys);
    if (data === "differ") return false;
    const timestamps = keyOrder(event.timestamps, this.timestamps.keys);
    if (timestamps === "differ") return false;
    const filled = event.filled;
    const filledOrder =
      filled === undefined || this.filled === null ? null : keyOrder(filled, this.filled.keys);
    if ((filled === undefined) !== (this.filled === null) || filledOrder === "differ") return false;
    this.uid.push(event.uid);
    this.seqNum.push(event.seq_num);
    this.time.push(event.time);
    this.data.push(event.data, data === "in-order");
    this.timestamps.push(event.timestamps, timestamps === "in-order");
    if (filled !== undefined) this.filled?.push(filled, filledOrder === "in-order");
    this.rows++;
    this.lastSeq = event.seq_num;
    return true;
  }

  encode(descriptor: string): EventPageRecord {
    const columns = {
      uid: this.uid,
      seq_num: this.seqNum.finish(),
      time: this.time.finish(),
      data: this.data.finish(),
      timestamps: this.timestamps.finish(),
    };
    const filled = this.filled?.finish();
    const page = filled ? { ...columns, filled } : columns;
    return encodeEventPage(this.pageNo, descriptor, "event", page, this.arena);
  }
}

export class EventPager {
  private readonly open = new Map<string, OpenPage>();

  /** `arena`: where the pages' numbers and uids go (one per slice of a batch; see `useArena`). */
  constructor(
    private readonly nextPageNo: () => number,
    private readonly emit: (record: EventPageRecord) => void,
    private arena = new BufferArena(64 * 1024),
  ) {}

  /** Carves the pages opened from now on from `arena` (call with no page open: after `closeAll`). */
  useArena(arena: BufferArena): void {
    this.arena = arena;
  }

  /** Adds one event; returns the page number and row it landed in. */
  add(event: Event): [pageNo: number, row: number] {
    let page = this.open.get(event.descriptor);
    if (!page?.append(event)) {
      this.close(event.descriptor);
      page = new OpenPage(this.nextPageNo(), event, this.arena);
      page.append(event);
      this.open.set(event.descriptor, page);
    }
    const row = page.rows - 1;
    if (page.rows >= page.limit) this.close(event.descriptor);
    return [page.pageNo, row];
  }

  /** Stores an event_page as a page of its own; returns its page number. */
  addPage(eventPage: EventPage): number {
    this.close(eventPage.descriptor);
    const pageNo = this.nextPageNo();
    this.emit(encodeEventPage(pageNo, eventPage.descriptor, "event_page", eventPage, this.arena));
    return pageNo;
  }

  closeAll(): void {
    for (const descriptor of [...this.open.keys()]) this.close(descriptor);
  }

  private close(descriptor: string): void {
    const page = this.open.get(descriptor);
    if (!page) return;
    this.open.delete(descriptor);
    this.emit(page.encode(descriptor));
  }
}
