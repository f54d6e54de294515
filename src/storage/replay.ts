// Replays a run from what adapters store: its logs (one per batch, in batch order) name documents and rows of
// event and datum pages; pages come back as the event_page / datum_page they came in as, or unpacked into
// single events / datums when those were packed at ingest.
import { sliceDatumPage, sliceEventPage, unpackDatumPage, unpackEventPage } from "../documents/pages.ts";
import type { DatumPage, DocumentName, DocumentPair, EventPage } from "../documents/types.ts";
import { decodeExact } from "./codec/exactMsgpack.ts";
import { datumPageDocument } from "./pages/datumPageRecord.ts";
import { eventPageDocument } from "./pages/eventPageRecord.ts";
import {
  type DatumPageRecord,
  type EventPageRecord,
  LOG_DATUMS,
  LOG_DOCUMENT,
  type LogEntry,
  type SingletonName,
} from "./records.ts";

/** Where replay reads from; an adapter answers with its stored records. */
export interface ReplaySource {
  /** The run's logs in batch order, of the batches after `afterBatch` only. */
  logs(afterBatch: number): Promise<Array<{ batch: number; entries: LogEntry[] }>>;
  /** The run's stored documents by uid (name and exact encoding). */
  documents(): Promise<Map<string, { name: SingletonName; body: Uint8Array }>>;
  eventPage(batch: number, pageNo: number): Promise<EventPageRecord>;
  datumPage(batch: number, pageNo: number): Promise<DatumPageRecord>;
}

/** Decoded pages kept while the log still refers to them (interleaved streams revisit a few open pages). */
class PageCache<T> {
  private readonly pages = new Map<string, T>();
  constructor(private readonly capacity = 16) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.pages.get(key);
    if (hit !== undefined) return hit;
    const page = await load();
    if (this.pages.size >= this.capacity) this.pages.delete(this.pages.keys().next().value as string);
    this.pages.set(key, page);
    return page;
  }
}

/** Rows `[from, from + count)` of a page, the page itself when that is all of it. */
function rows<P>(
  page: P,
  length: number,
  from: number,
  count: number,
  slice: (page: P, start: number, end: number) => P,
): P {
  return from === 0 && count === length ? page : slice(page, from, from + count);
}

export async function* replayRun(source: ReplaySource): AsyncGenerator<DocumentPair> {
  for await (const { document } of replayBatches(source, -1)) yield document;
}

/** A replayed document and the batch that stored it. */
export interface BatchedDocument {
  batch: number;
  document: DocumentPair;
}

/**
 * The documents of the batches after `afterBatch`, in replay order. A batch's log only grows by later
 * batches, so the replay of a run is append-only: what follows batch B never changes what came before.
 */
export async function* replayBatches(
  source: ReplaySource,
  afterBatch: number,
): AsyncGenerator<BatchedDocument> {
  const logs = await source.logs(afterBatch);
  if (logs.length === 0) return;
  const documents = await source.documents();
  const eventPages = new PageCache<{ origin: string; page: EventPage }>();
  const datumPages = new PageCache<{ origin: string; page: DatumPage }>();
  for (const { batch, entries } of logs) {
    for (const entry of entries) {
      if (entry[0] === LOG_DOCUMENT) {
        const stored = documents.get(entry[1]);
        if (stored)
          yield { batch, document: [stored.name as DocumentName, decodeExact(stored.body)] as DocumentPair };
        continue;
      }
      const [kind, pageNo, from, count] = entry;
      if (kind === LOG_DATUMS) {
        const { origin, page } = await datumPages.get(`${batch}/${pageNo}`, async () => {
          const record = await source.datumPage(batch, pageNo);
          return { origin: record.origin, page: datumPageDocument(record) };
        });
        const part = rows(page, page.datum_id.length, from, count, sliceDatumPage);
        if (origin === "datum_page") yield { batch, document: ["datum_page", part] };
        else for (const datum of unpackDatumPage(part)) yield { batch, document: ["datum", datum] };
        continue;
      }
      const { origin, page } = await eventPages.get(`${batch}/${pageNo}`, async () => {
        const record = await source.eventPage(batch, pageNo);
        return { origin: record.origin, page: eventPageDocument(record) };
      });
      const part = rows(page, page.uid.length, from, count, sliceEventPage);
      if (origin === "event_page") yield { batch, document: ["event_page", part] };
      else for (const event of unpackEventPage(part)) yield { batch, document: ["event", event] };
    }
  }
}
