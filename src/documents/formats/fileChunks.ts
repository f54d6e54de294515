// Reads a file as a sequence of large chunks, so that readers hold one chunk at a time, never the file.
import { createReadStream } from "node:fs";

/** Chunk size of every reader: large enough to amortize per-chunk work, small enough to bound memory. */
export const CHUNK_BYTES = 1 << 20;

/** The bytes of the file at `path`, in order, as chunks of at most CHUNK_BYTES. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    yield chunk as Buffer;
  }
}
