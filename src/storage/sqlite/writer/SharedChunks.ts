// Shared memory in which the bytes of a batch not in shared memory already (documents, datum pages) travel
// to the writer thread: copied into a few large SharedArrayBuffers that the thread reads in place and that
// come back for later batches once it has answered. Posting buffers as they are clones them; transferring
// them made their return count as fresh off-heap memory, starting a full GC of the main heap every 64 MB.
import { POOLED_BYTES, pagePool } from "../../codec/BufferPool.ts";

/** Gives chunks back once the thread has answered the request that carried them. */
export function returnChunks(chunks: readonly SharedArrayBuffer[]): void {
  pagePool.give(chunks);
}

/** Copies of byte views, packed one after another into chunks; views of shared memory are kept as they are. */
export class SharedCopies {
  readonly chunks: SharedArrayBuffer[] = [];
  private chunk = new SharedArrayBuffer(0);
  private used = 0;

  copy(bytes: Uint8Array): Uint8Array {
    if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
    if (this.used + bytes.byteLength > this.chunk.byteLength) {
      // A larger view gets a chunk of its own (not pooled).
      this.chunk = pagePool.take(Math.max(bytes.byteLength, POOLED_BYTES));
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const copy = new Uint8Array(this.chunk, this.used, bytes.byteLength);
    copy.set(bytes);
    this.used += bytes.byteLength;
    return copy;
  }
}
