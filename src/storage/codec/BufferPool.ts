// Large buffers kept from one put for the next. A batch's encoded pages live only until the adapter has copied
// them into its store, and allocating them afresh for every batch costs a third of a large put: every 64 MB
// of new off-heap memory makes V8 run a full garbage collection over the whole heap, and fresh memory is
// page-faulted in. Only buffers of adapters that copy what they write come back; the pool holds at most
// MAX_POOLED_BYTES and lets go of everything once puts have stopped for IDLE_MS.

/** The one size pooled: BufferArena's largest buffer. */
export const POOLED_BYTES = 4 * 1024 * 1024;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;
const IDLE_MS = 2000;

const free: ArrayBuffer[] = [];
let drain: NodeJS.Timeout | undefined;

/** A buffer of `bytes`: a pooled one when it is of the pooled size, else a new one (its bytes not zeroed). */
export function takeBuffer(bytes: number): ArrayBuffer {
  return (bytes === POOLED_BYTES && free.pop()) || Buffer.allocUnsafeSlow(bytes).buffer;
}

/** Gives buffers back for later puts; the caller must hold no view of them any more. */
export function returnBuffers(buffers: readonly ArrayBuffer[]): void {
  for (const buffer of buffers) {
    if (buffer.byteLength === POOLED_BYTES && (free.length + 1) * POOLED_BYTES <= MAX_POOLED_BYTES) {
      free.push(buffer);
    }
  }
  if (drain) drain.refresh();
  else
    drain = setTimeout(() => {
      free.length = 0;
      drain = undefined;
    }, IDLE_MS).unref();
}
