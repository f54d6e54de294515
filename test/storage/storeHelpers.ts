// Small helpers the storage tests share: draining async iterables, the events of a run as single events,
// and rebuilding events from column pages (to check columns() against what went in).
import { unpackEventPage } from "../../src/documents/pages.ts";
import type { DocumentPair, Event } from "../../src/documents/types.ts";
import type { ColumnPage, PageColumn } from "../../src/storage/ColumnPage.ts";
import { columnValues } from "../../src/storage/codec/columnCodec.ts";
import type { Store } from "../../src/storage/Store.ts";

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every event of a run, event_pages unpacked, in document order. */
export function eventsOf(documents: DocumentPair[]): Event[] {
  return documents.flatMap(([name, doc]) =>
    name === "event" ? [doc] : name === "event_page" ? unpackEventPage(doc) : [],
  );
}

function rowsOf(columns: Record<string, PageColumn>): Array<Record<string, unknown>> {
  const values = Object.entries(columns).map(([key, column]) => [key, columnValues(column)] as const);
  const length = values[0]?.[1].length ?? 0;
  return Array.from({ length }, (_, row) =>
    Object.fromEntries(values.map(([key, column]) => [key, column[row]])),
  );
}

/** PageColumn pages back to events (filled only where the page carried it; uid "" when it carried none). */
export function eventsFromColumns(pages: ColumnPage[]): Event[] {
  return pages.flatMap((page) => {
    const data = rowsOf(page.data);
    const timestamps = rowsOf(page.timestamps);
    const filled = rowsOf(page.filled);
    const uids = page.uid ?? new Array<string>(page.length).fill("");
    return uids.map((uid, row) => {
      const event: Event = {
        uid,
        descriptor: page.descriptor,
        seq_num: page.seq_num[row],
        time: page.time[row],
        data: data[row] ?? {},
        timestamps: timestamps[row] ?? {},
      };
      if (Object.keys(page.filled).length > 0) event.filled = filled[row] as Event["filled"];
      return event;
    });
  });
}

/** Runs `work` on an open store, then closes it whatever happens. */
export async function withOpenStore<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
