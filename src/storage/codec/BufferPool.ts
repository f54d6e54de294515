// Large buffers kept from one put for the next. A batch's encoded pages live only until the adapter has copied
// them into its store, and allocating them afresh for every batch costs a third of a large put: every 64 MB
// of new off-heap memory makes V8 run a full garbage collection over the whole heap, and fresh memory is
// page-faulted in. A pool keeps buffers of one size only, at most MAX_POOLED_BYTES of them, and lets go of
// everything once puts have stopped for IDLE_MS.

const MAX_POOLED_BYTES = 256 * 1024 * 1024;
const IDLE_MS = 2000;

export class BufferPool<B extends ArrayBufferLike> {
  private readonly free: B[] = [];
  private drain: NodeJS.Timeout | undefined;

  constructor(
    /** The one size pooled. */
    readonly size: number,
    private readonly allocate: (bytes: number) => B,
  ) {}

  /** A buffer of at least `bytes`: a pooled one when it fits, else a new one from `allocate`. */
  take(bytes: number): B {
    return (bytes <= this.size && this.free.pop()) || this.allocate(bytes);
  }

  /** Gives buffers back for later puts; the caller must hold no view of them any more. */
  give(buffers: readonly B[]): void {
    for (const buffer of buffers) {
      if (buffer.byteLength === this.size && (this.free.length + 1) * this.size <= MAX_POOLED_BYTES) {
        this.free.push(buffer);
      }
    }
    if (this.drain) this.drain.refresh();
    else
      this.drain = setTimeout(() => {
        this.free.length = 0;
        this.drain = undefined;
      }, IDLE_MS).unref();
  }
}

/** BufferArena's largest buffer, the size of the page pool's buffers. */
export const POOLED_BYTES = 4 * 1024 * 1024;

/**
 * Buffers of a batch's pages, and of the copies that carry other bytes to the SQLite writer thread: shared
 * memory, which that thread reads in place. Given back by the adapters once they no longer read a batch.
 */
export const pagePool = new BufferPool<SharedArrayBuffer>(
  POOLED_BYTES,
  (bytes) => new SharedArrayBuffer(bytes),
);
