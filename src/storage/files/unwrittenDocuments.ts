// What of an accepted batch the directory does not hold yet, so skipped (idempotent) documents are never
// written twice. Usually the put's report proves the whole batch new; otherwise the touched runs' files are
// read and the batch is filtered by identity (uid, event uid, datum_id), pages cut down to their new rows.
import { readDocuments } from "../../documents/formats/readDocuments.ts";
import { sliceDatumPage, sliceEventPage } from "../../documents/pages.ts";
import type { DocumentPair } from "../../documents/types.ts";
import type { PutReport, Store } from "../Store.ts";
import { bulkAsPages } from "./bulkAsPages.ts";

/**
 * Facts taken before the put that the report cannot give: a datum_page is counted stored when any of its
 * rows is new, so pages of a resource stored earlier must be checked against its stored datum ids.
 */
export class BatchNovelty {
  private constructor(
    private readonly eventRows: number,
    private readonly datumsMayRepeat: boolean,
  ) {}

  static async before(store: Store, batch: DocumentPair[]): Promise<BatchNovelty> {
    try {
      return await BatchNovelty.measure(store, batch);
    } catch {
      // A malformed batch, which the put is about to reject: claim nothing.
      return new BatchNovelty(-1, true);
    }
  }

  private static async measure(store: Store, batch: DocumentPair[]): Promise<BatchNovelty> {
    let eventRows = 0;
    const newResources = new Set<string>();
    const pagesOfStoredResources = new Map<string, string[]>();
    for (const [name, doc] of bulkAsPages(batch)) {
      if (name === "event") eventRows++;
      else if (name === "event_page") eventRows += doc.uid.length;
      else if (name === "resource") newResources.add(doc.uid);
      else if (name === "datum_page" && doc.datum_id.length > 1 && !newResources.has(doc.resource)) {
        pagesOfStoredResources.set(doc.resource, [
          ...(pagesOfStoredResources.get(doc.resource) ?? []),
          ...doc.datum_id,
        ]);
      }
    }
    let datumsMayRepeat = false;
    for (const [resource, ids] of pagesOfStoredResources) {
      const wanted = new Set(ids);
      for await (const page of store.datums(resource)) {
        if (page.datum_id.some((id) => wanted.has(id))) datumsMayRepeat = true;
      }
    }
    return new BatchNovelty(eventRows, datumsMayRepeat);
  }

  /** True when the put stored every document and every row of the batch. */
  everythingNew(report: PutReport): boolean {
    return report.skipped === 0 && report.events === this.eventRows && !this.datumsMayRepeat;
  }
}

/** The documents of `batch` not found in `files` (or earlier in the batch), bulk documents as pages. */
export async function unwrittenDocuments(batch: DocumentPair[], files: string[]): Promise<DocumentPair[]> {
  const written = new Set<string>();
  for (const file of files) {
    try {
      for await (const pair of readDocuments(file)) for (const key of identitiesOf(pair)) written.add(key);
    } catch {
      // A damaged tail holds nothing readable: what was read before it is what the directory holds.
    }
  }
  return [...newOnly(bulkAsPages(batch), written)];
}

/** How a document is known across files: events by uid, datums by datum_id, the rest by uid. */
function identitiesOf(pair: DocumentPair): string[] {
  switch (pair[0]) {
    case "event":
      return [`event:${pair[1].uid}`];
    case "event_page":
      return pair[1].uid.map((uid) => `event:${uid}`);
    case "bulk_events":
      return Object.values(pair[1]).flatMap((events) => events.map((event) => `event:${event.uid}`));
    case "datum":
      return [`datum:${pair[1].datum_id}`];
    case "datum_page":
      return pair[1].datum_id.map((id) => `datum:${id}`);
    case "bulk_datum":
      return pair[1].datum_ids.map((id) => `datum:${id}`);
    default:
      return [`document:${pair[1].uid}`];
  }
}

function* newOnly(pairs: Iterable<DocumentPair>, written: Set<string>): Generator<DocumentPair> {
  /** Whether `key` is new, remembering it (a repeat within the batch is not new either). */
  const isNew = (key: string): boolean => {
    if (written.has(key)) return false;
    written.add(key);
    return true;
  };
  for (const pair of pairs) {
    if (pair[0] === "event_page") {
      const page = pair[1];
      const keep = page.uid.map((uid) => isNew(`event:${uid}`));
      for (const [start, end] of keptRanges(keep))
        yield ["event_page", start === 0 && end === keep.length ? page : sliceEventPage(page, start, end)];
    } else if (pair[0] === "datum_page") {
      const page = pair[1];
      const keep = page.datum_id.map((id) => isNew(`datum:${id}`));
      for (const [start, end] of keptRanges(keep))
        yield ["datum_page", start === 0 && end === keep.length ? page : sliceDatumPage(page, start, end)];
    } else if (identitiesOf(pair).every(isNew)) {
      yield pair;
    }
  }
}

/** The maximal ranges `[start, end)` of kept rows. */
function keptRanges(keep: boolean[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let row = 0; row < keep.length; row++) {
    if (!keep[row]) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === row) last[1] = row + 1;
    else ranges.push([row, row + 1]);
  }
  return ranges;
}
