// Hands out views of a few large buffers instead of one buffer per column or uid list: encoded pages then
// share allocations. Garbage collection is driven by buffer allocations (each one an object with off-heap
// memory to track, and every 64 MB of them starting a full collection), so fewer, larger ones cost less; and
// once what was carved from them has been copied into a store, they can go back to the BufferPool.
import { type BufferPool, POOLED_BYTES } from "./BufferPool.ts";

export class BufferArena {
  private buffer: ArrayBufferLike = new ArrayBuffer(0);
  /** Bytes of `buffer` handed out. */
  private used = 0;
  /** Size of the next buffer: doubles from the first, up to the pool's size. */
  private nextBytes: number;
  private readonly taken: SharedArrayBuffer[] = [];

  /**
   * `firstBytes`: the size of the first buffer (0: exactly what each request needs, until it grows).
   * `pool`: where the buffers come from and go back to (a batch's pages: shared memory); without one, each
   * buffer is a fresh ArrayBuffer of its own.
   */
  constructor(
    firstBytes: number,
    private readonly pool?: BufferPool<SharedArrayBuffer>,
  ) {
    this.nextBytes = firstBytes;
  }

  /** Room for `length` float64 numbers (8-byte aligned). */
  float64s(length: number): Float64Array {
    const start = this.reserve(length * 8, 8);
    return new Float64Array(this.buffer, start, length);
  }

  /** Returns the last `length` numbers taken (a column that turned out not to be numeric). */
  giveBackFloat64s(length: number): void {
    this.used -= length * 8;
  }

  bytes(length: number): Uint8Array {
    const start = this.reserve(length, 1);
    return new Uint8Array(this.buffer, start, length);
  }

  /** Hands the buffers to the pool: only once nothing carved from them is used any more. */
  release(): void {
    this.pool?.give(this.taken);
    this.taken.length = 0;
    this.buffer = new ArrayBuffer(0);
    this.used = 0;
  }

  /** The byte offset of `length` free bytes aligned to `alignment`, in the current buffer or a new one. */
  private reserve(length: number, alignment: number): number {
    let start = Math.ceil(this.used / alignment) * alignment;
    if (start + length > this.buffer.byteLength) {
      const bytes = Math.max(length, this.nextBytes);
      if (this.pool) {
        const shared = this.pool.take(bytes);
        this.taken.push(shared);
        this.buffer = shared;
      } else {
        // Not zeroed: every byte handed out is written before it is read.
        this.buffer = Buffer.allocUnsafeSlow(bytes).buffer;
      }
      this.nextBytes = Math.min(POOLED_BYTES, Math.max(this.nextBytes * 2, 64 * 1024));
      start = 0;
    }
    this.used = start + length;
    return start;
  }
}
