// Shared memory in which batches travel to the writer thread: the bytes of a batch are copied into a few
// large SharedArrayBuffers, which the thread reads in place (posting them copies nothing), and which come
// back here for the next batch once it has answered. Measured against the alternatives: posting the page
// buffers as they are clones them (~135 ms of the main thread per million events), and transferring them
// makes their return count as fresh off-heap memory, which started a full garbage collection of the main
// heap every 64 MB (~250 ms per million events); one copy into reused shared buffers costs far less.
import { BufferPool } from "../codec/BufferPool.ts";

/** The size of a chunk; a larger byte view gets a chunk of its own (not pooled). */
const CHUNK_BYTES = 4 * 1024 * 1024;
const chunkPool = new BufferPool<SharedArrayBuffer>(
  CHUNK_BYTES,
  (bytes) => new SharedArrayBuffer(Math.max(bytes, CHUNK_BYTES)),
);

/** Gives chunks back once the thread has answered the request that carried them. */
export function returnChunks(chunks: readonly SharedArrayBuffer[]): void {
  chunkPool.give(chunks);
}

/** Copies of byte views, packed one after another into chunks. */
export class SharedCopies {
  readonly chunks: SharedArrayBuffer[] = [];
  private chunk = new SharedArrayBuffer(0);
  private used = 0;

  copy(bytes: Uint8Array): Uint8Array {
    if (this.used + bytes.byteLength > this.chunk.byteLength) {
      this.chunk = chunkPool.take(bytes.byteLength);
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const copy = new Uint8Array(this.chunk, this.used, bytes.byteLength);
    copy.set(bytes);
    this.used += bytes.byteLength;
    return copy;
  }
}
