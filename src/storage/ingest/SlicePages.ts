// The event and datum pages of a slice as they will be written: rows the store already holds (events of a
// stored descriptor by seq_num, datums of a stored resource by datum_id) are dropped when identical and are a
// conflict when different, so that putting a batch again stores nothing twice.
import { ConflictError } from "../../errors.ts";
import { datumsOfPage, filterDatumPage } from "../pages/datumPageRecord.ts";
import { eventsOfPage, filterEventPage } from "../pages/eventPageRecord.ts";
import type { DatumPageRecord, EventPageRecord } from "../records.ts";
import type { BatchEntry, CollectedSlice } from "./BatchCollector.ts";
import { describeDifference, firstDifference } from "./firstDifference.ts";
import type { IngestTransaction } from "./IngestBackend.ts";

/** Rows `[from, count]` of an entry, renumbered within its (possibly filtered) page, at `offset` in the entry. */
export type KeptSegment = [from: number, count: number, offset: number];

export class SlicePages {
  readonly eventPages: Map<number, EventPageRecord>;
  readonly datumPages: Map<number, DatumPageRecord>;
  /** For pages partly stored already: which rows are kept (absent: all; a page with none kept is dropped). */
  private readonly keptRows = new Map<number, boolean[]>();

  constructor(slice: CollectedSlice) {
    this.eventPages = new Map(slice.eventPages);
    this.datumPages = new Map(slice.datumPages);
  }

  /** Drops the rows already stored; `newInBatch(uid)`: a descriptor or resource the store cannot hold yet. */
  async skipStored(tx: IngestTransaction, newInBatch: (uid: string) => boolean): Promise<void> {
    await this.skipStoredEvents(tx, newInBatch);
    await this.skipStoredDatums(tx, newInBatch);
  }

  /** An entry's kept rows as segments renumbered within the (possibly filtered) page. */
  keptSegments(entry: BatchEntry & { kind: "events" | "datums" }): KeptSegment[] {
    const keep = this.keptRows.get(entry.pageNo);
    if (!keep) return [[entry.from, entry.count, 0]];
    const segments: KeptSegment[] = [];
    let renumbered = keep.slice(0, entry.from).filter(Boolean).length;
    for (let row = entry.from; row < entry.from + entry.count; row++) {
      if (!keep[row]) continue;
      const last = segments[segments.length - 1];
      if (last && last[0] + last[1] === renumbered && last[2] + last[1] === row - entry.from) last[1]++;
      else segments.push([renumbered, 1, row - entry.from]);
      renumbered++;
    }
    return segments;
  }

  /** Events of descriptors already stored: identical ones (by seq_num) are skipped, different ones conflict. */
  private async skipStoredEvents(tx: IngestTransaction, newInBatch: (uid: string) => boolean): Promise<void> {
    const byDescriptor = pagesByOwner(this.eventPages.values(), (page) => page.descriptor, newInBatch);
    for (const [descriptor, pages] of byDescriptor) {
      const first = pages.reduce((low, page) => Math.min(low, page.seqFirst), Number.POSITIVE_INFINITY);
      const last = pages.reduce((high, page) => Math.max(high, page.seqLast), Number.NEGATIVE_INFINITY);
      const storedPages = await tx.eventPages(descriptor, first, last);
      if (storedPages.length === 0) continue;
      const storedEvents = new Map(
        storedPages.flatMap((page) => eventsOfPage(page)).map((event) => [event.seq_num, event]),
      );
      for (const page of pages) {
        const keep = unstoredRows(
          eventsOfPage(page),
          (event) => storedEvents.get(event.seq_num),
          (event, stored) =>
            `event ${event.uid} (descriptor ${descriptor}, seq_num ${event.seq_num}) conflicts with the stored event ${stored.uid}`,
        );
        this.keepRows(page.pageNo, keep, this.eventPages, filterEventPage);
      }
    }
  }

  /** Datums of resources already stored: identical ones (by datum_id) are skipped, different ones conflict. */
  private async skipStoredDatums(tx: IngestTransaction, newInBatch: (uid: string) => boolean): Promise<void> {
    const byResource = pagesByOwner(this.datumPages.values(), (page) => page.resource, newInBatch);
    for (const [resource, pages] of byResource) {
      const storedPages = await tx.datumPages(resource);
      if (storedPages.length === 0) continue;
      const storedDatums = new Map(
        storedPages.flatMap((page) => datumsOfPage(page)).map((datum) => [datum.datum_id, datum]),
      );
      for (const page of pages) {
        const keep = unstoredRows(
          datumsOfPage(page),
          (datum) => storedDatums.get(datum.datum_id),
          (datum, stored) => `datum ${datum.datum_id} conflicts with the stored datum ${stored.datum_id}`,
        );
        this.keepRows(page.pageNo, keep, this.datumPages, filterDatumPage);
      }
    }
  }

  private keepRows<P>(
    pageNo: number,
    keep: boolean[],
    pages: Map<number, P>,
    filter: (page: P, keep: boolean[]) => P,
  ): void {
    if (keep.every(Boolean)) return;
    this.keptRows.set(pageNo, keep);
    if (keep.some(Boolean)) pages.set(pageNo, filter(pages.get(pageNo)!, keep));
    else pages.delete(pageNo);
  }
}

/** The pages whose descriptor or resource (`ownerOf`) the store may hold already, grouped by it. */
function pagesByOwner<P>(
  pages: Iterable<P>,
  ownerOf: (page: P) => string,
  newInBatch: (uid: string) => boolean,
): Map<string, P[]> {
  const byOwner = new Map<string, P[]>();
  for (const page of pages) {
    const owner = ownerOf(page);
    if (newInBatch(owner)) continue;
    const group = byOwner.get(owner) ?? [];
    group.push(page);
    byOwner.set(owner, group);
  }
  return byOwner;
}

/** Which rows to keep: those not stored; a stored row that differs is a conflict (`conflict` names the two). */
function unstoredRows<R>(
  rows: R[],
  storedOf: (row: R) => R | undefined,
  conflict: (row: R, stored: R) => string,
): boolean[] {
  return rows.map((row) => {
    const stored = storedOf(row);
    if (!stored) return true;
    const difference = firstDifference(stored, row);
    if (difference) throw new ConflictError(`${conflict(row, stored)}: ${describeDifference(difference)}`);
    return false;
  });
}
