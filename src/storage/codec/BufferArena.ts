// Hands out views of a few large buffers instead of one buffer per column or uid list: encoded pages then
// share allocations. Garbage collection is driven by buffer allocations (each one an object with off-heap
// memory to track, and every 64 MB of them starting a full collection), so fewer, larger ones cost less.

/** Largest buffer grown to: big enough to amortize, small enough not to strand much at the end of a batch. */
const MAX_BUFFER_BYTES = 4 * 1024 * 1024;

export class BufferArena {
  private buffer = new ArrayBuffer(0);
  /** Bytes of `buffer` handed out. */
  private used = 0;
  /** Size of the next buffer: doubles from the first, up to MAX_BUFFER_BYTES. */
  private nextBytes: number;

  /** `firstBytes`: the size of the first buffer (0: exactly what each request needs, until it grows). */
  constructor(firstBytes: number) {
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

  /** The byte offset of `length` free bytes aligned to `alignment`, in the current buffer or a new one. */
  private reserve(length: number, alignment: number): number {
    let start = Math.ceil(this.used / alignment) * alignment;
    if (start + length > this.buffer.byteLength) {
      // Unzeroed memory: every byte handed out is written before it is read.
      this.buffer = Buffer.allocUnsafeSlow(Math.max(length, this.nextBytes)).buffer;
      this.nextBytes = Math.min(MAX_BUFFER_BYTES, Math.max(this.nextBytes * 2, 64 * 1024));
      start = 0;
    }
    this.used = start + length;
    return start;
  }
}
