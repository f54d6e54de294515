// A prepared batch made ready to post to the writer thread: every byte view in shared memory, where event
// pages are encoded already and other bytes are copied (SharedChunks.ts), so the message carries no
// ArrayBuffer. A view of one posted as it is would clone its whole underlying buffer (an 8 kB slab of
// Node's shared Buffer pool, an encoder's working buffer).
import type { PreparedBatch } from "../../records.ts";
import { SharedCopies } from "./SharedChunks.ts";

export interface PostableBatch {
  batch: PreparedBatch;
  /** The chunks its bytes were copied to: to return (returnChunks) once the thread has answered. */
  chunks: SharedArrayBuffer[];
}

export function postableBatch(prepared: PreparedBatch): PostableBatch {
  const copies = new SharedCopies();
  const shared = (bytes: Uint8Array) => copies.copy(bytes);
  const batch: PreparedBatch = {
    documents: prepared.documents.map((record) => ({ ...record, body: shared(record.body) })),
    eventPages: prepared.eventPages.map((page) => ({
      ...page,
      uids: shared(page.uids),
      seqNums: shared(page.seqNums),
      times: shared(page.times),
      columns: page.columns.map((column) => ({ ...column, bytes: shared(column.bytes) })),
    })),
    datumPages: prepared.datumPages.map((page) => ({ ...page, body: shared(page.body) })),
    logs: prepared.logs,
    streamCounts: prepared.streamCounts,
    fieldStats: prepared.fieldStats,
  };
  return { batch, chunks: copies.chunks };
}
