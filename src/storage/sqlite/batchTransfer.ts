// A prepared batch made ready to post to the writer thread without copying its pages: the buffers its event
// pages were carved from are transferred whole, and every other byte view is copied into a few fresh buffers
// that are transferred too. Posting a view as it is would clone its whole underlying buffer: a pooled 4 MB
// buffer per column, or an 8 kB slab of Node's shared Buffer pool, or an encoder's working buffer (msgpackr),
// which must not be transferred (detached) either.
import { BufferArena } from "../codec/BufferArena.ts";
import type { PreparedBatch } from "../records.ts";

export interface PostableBatch {
  batch: PreparedBatch;
  /** Every buffer the batch's bytes live in: the transfer list, and what the thread hands back. */
  buffers: ArrayBuffer[];
}

/**
 * `pages`: the arena the batch's event pages were carved from, whose buffers it hands over (see
 * BufferArena.handOver); the caller must hold no other view of them.
 */
export function postableBatch(prepared: PreparedBatch, pages?: BufferArena): PostableBatch {
  const handedOver = pages?.handOver() ?? [];
  const transferred = new Set(handedOver);
  // Copies go into buffers of their own, taken from the pool like pages (and handed back to it likewise).
  const copies = new BufferArena(0);
  const movable = (bytes: Uint8Array): Uint8Array => {
    if (transferred.has(bytes.buffer as ArrayBuffer)) return bytes;
    const copy = copies.bytes(bytes.byteLength);
    copy.set(bytes);
    return copy;
  };
  const batch: PreparedBatch = {
    documents: prepared.documents.map((record) => ({ ...record, body: movable(record.body) })),
    eventPages: prepared.eventPages.map((page) => ({
      ...page,
      uids: movable(page.uids),
      seqNums: movable(page.seqNums),
      times: movable(page.times),
      columns: page.columns.map((column) => ({ ...column, bytes: movable(column.bytes) })),
    })),
    datumPages: prepared.datumPages.map((page) => ({ ...page, body: movable(page.body) })),
    logs: prepared.logs,
    streamCounts: prepared.streamCounts,
    fieldStats: prepared.fieldStats,
  };
  return { batch, buffers: [...handedOver, ...copies.handOver()] };
}
