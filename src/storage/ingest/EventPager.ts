// Packs single events into pages as they stream in: one open page per descriptor, closed when it is full or
// when the next event would not fit (different keys, `filled` carried or not, seq_num not increasing, or an
// event_page of the same descriptor in between), so each page is rectangular and ordered by seq_num.
import { packEventPage } from "../../documents/pages.ts";
import type { Event, EventPage } from "../../documents/types.ts";
import { encodeEventPage } from "../pages/eventPageRecord.ts";
import type { EventPageRecord } from "../records.ts";
import { hasExactlyKeys, keysOf } from "./sameKeys.ts";

/** Most events a page holds, and about how many bytes of values (big arrays make short pages). */
const MAX_ROWS = 1024;
const MAX_BYTES = 4 * 1024 * 1024;

interface OpenPage {
  pageNo: number;
  events: Event[];
  dataKeys: string[] | null;
  timestampKeys: string[] | null;
  filledKeys: string[] | null;
  lastSeq: number;
  limit: number;
}

/** Rough size of a value as stored: 8 bytes a number, arrays by their first element times their length. */
function estimatedBytes(value: unknown): number {
  if (Array.isArray(value)) return value.length === 0 ? 8 : value.length * estimatedBytes(value[0]);
  if (typeof value === "string") return value.length + 8;
  return 8;
}

function rowLimit(event: Event): number {
  let bytes = 64;
  for (const key in event.data) bytes += estimatedBytes(event.data[key]) + 8;
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_BYTES / bytes)));
}

export class EventPager {
  private readonly open = new Map<string, OpenPage>();

  constructor(
    private readonly nextPageNo: () => number,
    private readonly emit: (record: EventPageRecord) => void,
  ) {}

  /** Adds one event; returns the page number and row it landed in. */
  add(event: Event): [pageNo: number, row: number] {
    let page = this.open.get(event.descriptor);
    if (page && !this.fits(page, event)) {
      this.close(event.descriptor);
      page = undefined;
    }
    if (!page) {
      page = {
        pageNo: this.nextPageNo(),
        events: [],
        dataKeys: keysOf(event.data),
        timestampKeys: keysOf(event.timestamps),
        filledKeys: keysOf(event.filled),
        lastSeq: event.seq_num,
        limit: rowLimit(event),
      };
      this.open.set(event.descriptor, page);
    }
    const row = page.events.length;
    page.events.push(event);
    page.lastSeq = event.seq_num;
    if (page.events.length >= page.limit) this.close(event.descriptor);
    return [page.pageNo, row];
  }

  /** Stores an event_page as a page of its own; returns its page number. */
  addPage(eventPage: EventPage): number {
    this.close(eventPage.descriptor);
    const pageNo = this.nextPageNo();
    this.emit(encodeEventPage(pageNo, eventPage.descriptor, "event_page", eventPage));
    return pageNo;
  }

  closeAll(): void {
    for (const descriptor of [...this.open.keys()]) this.close(descriptor);
  }

  private fits(page: OpenPage, event: Event): boolean {
    return (
      event.seq_num > page.lastSeq &&
      hasExactlyKeys(event.data, page.dataKeys) &&
      hasExactlyKeys(event.timestamps, page.timestampKeys) &&
      hasExactlyKeys(event.filled, page.filledKeys)
    );
  }

  private close(descriptor: string): void {
    const page = this.open.get(descriptor);
    if (!page) return;
    this.open.delete(descriptor);
    this.emit(encodeEventPage(page.pageNo, descriptor, "event", packEventPage(page.events)));
  }
}
