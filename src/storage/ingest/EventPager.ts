// Packs single events into pages as they stream in: one open page per descriptor, closed when full or when the
// next event would not fit (other keys, `filled` or not, seq_num not increasing), so each page is rectangular
// and ordered. Values go into the page's columns on arrival (numbers into Float64Arrays encoded without a
// copy), and pages are carved from a few large buffers (BufferArena), which keeps garbage collection down.
import {
  type BlockRecord,
  blockColumns,
  cellOf,
  type EventBlock,
} from "../../documents/formats/eventBlock.ts";
import { blockEvent } from "../../documents/formats/expandEventBlock.ts";
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

  /** Appends rows `from .. from + count - 1` of a block's record with these keys (`inOrder`: in order). */
  pushRows(record: BlockRecord, inOrder: boolean, from: number, count: number): void {
    for (let n = 0; n < this.keys.length; n++) {
      const column = record.columns[inOrder ? n : record.fields.indexOf(this.keys[n])];
      this.columns[n].pushColumn(column, from, count);
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

  /**
   * Appends events of a block from its row `from` on, as many as fit (the page's room, seq_num increasing);
   * returns how many (0 when the first does not fit).
   */
  appendRows(block: EventBlock, from: number): number {
    // A block's events share their keys: those of its first event decide for all.
    const first = blockEvent(block, from);
    const data = keyOrder(first.data, this.data.keys);
    const timestamps = keyOrder(first.timestamps, this.timestamps.keys);
    const filledOrder =
      first.filled === undefined || this.filled === null ? null : keyOrder(first.filled, this.filled.keys);
    if (data === "differ" || timestamps === "differ" || filledOrder === "differ") return 0;
    if ((first.filled === undefined) !== (this.filled === null)) return 0;
    const columns = blockColumns(block);
    const seqNums = columns.seq_num ?? [];
    const room = Math.min(this.limit - this.rows, block.count - from);
    let count = 0;
    let lastSeq = this.lastSeq;
    for (; count < room; count++) {
      const seq = cellOf(seqNums, from + count) as number;
      if ((this.rows > 0 || count > 0) && !(seq > lastSeq)) break;
      lastSeq = seq;
    }
    if (count === 0) return 0;
    const uids = columns.uid ?? [];
    for (let row = from; row < from + count; row++) this.uid.push(cellOf(uids, row));
    this.seqNum.pushColumn(seqNums, from, count);
    this.time.pushColumn(columns.time ?? [], from, count);
    if (columns.data) this.data.pushRows(columns.data, data === "in-order", from, count);
    if (columns.timestamps)
      this.timestamps.pushRows(columns.timestamps, timestamps === "in-order", from, count);
    if (columns.filled) this.filled?.pushRows(columns.filled, filledOrder === "in-order", from, count);
    this.rows += count;
    this.lastSeq = lastSeq;
    return count;
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

  /**
   * Adds a block's events (formats/eventBlock.ts) as `add` would add them one by one; calls `placed` for
   * each run of them that landed in one page: block rows `from .. from + count - 1` at the page's `row` on.
   */
  addBlock(
    block: EventBlock,
    placed: (pageNo: number, row: number, from: number, count: number) => void,
  ): void {
    const { descriptor } = block;
    for (let from = 0; from < block.count; ) {
      let page = this.open.get(descriptor);
      let count = page?.appendRows(block, from) ?? 0;
      if (page === undefined || count === 0) {
        this.close(descriptor);
        page = new OpenPage(this.nextPageNo(), blockEvent(block, from), this.arena);
        this.open.set(descriptor, page);
        count = page.appendRows(block, from);
      }
      placed(page.pageNo, page.rows - count, from, count);
      from += count;
      if (page.rows >= page.limit) this.close(descriptor);
    }
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
