// Reads a large JSON Lines file with the reading and parsing done in worker threads: the main thread cuts the
// file into byte ranges, each worker reads and parses the lines starting in its range (reading on the main
// thread cost it ~45 ms on a 77 MB file), and the documents are yielded in file order, runs of events as
// blocks. A few chunks are in flight at once, so memory stays bounded on any file size.
import { open } from "node:fs/promises";
import { setImmediate } from "node:timers/promises";
import type { DocumentShape } from "./DocumentFormat.ts";
import type { DocumentItem } from "./DocumentStream.ts";
import { type JsonLinesWorkerPool, sharedJsonLinesPool } from "./JsonLinesWorkerPool.ts";
import { lineFailureError } from "./jsonLineParsing.ts";
import {
  type ChunkJob,
  type ChunkResult,
  parseJsonLinesChunk,
  restoreChunkFloats,
} from "./jsonLinesChunk.ts";

/** How JSON Lines files are read in parallel; every member has a default. */
export interface ParallelReadOptions {
  /** Files smaller than this are parsed on the main thread, even when the workers are running. */
  minBytes?: number;
  /**
   * While the pool has no worker yet, files smaller than this are parsed on the main thread: starting the
   * workers costs more than it saves on one such file. Default: `minBytes` if given, else 64 MiB.
   */
  minBytesToStart?: number;
  /** Bytes per chunk (the byte range a worker reads and parses in one job). */
  chunkBytes?: number;
  /** Chunks at once: being parsed, or parsed and waiting for their turn. */
  chunksInFlight?: number;
  /** The workers (default: the process-wide pool). */
  pool?: JsonLinesWorkerPool;
  /** Told the bytes of each chunk once its documents are yielded (for progress). */
  onBytesRead?: (bytes: number) => void;
}

export const PARALLEL_DEFAULTS = {
  minBytes: 4 << 20,
  minBytesToStart: 64 << 20,
  chunkBytes: 1 << 20,
  chunksInFlight: 4,
} as const;

/** Whether a JSON Lines file of `size` bytes is worth reading in parallel, given how warm the pool is. */
export function isWorthParallel(size: number, options: ParallelReadOptions = {}): boolean {
  const pool = options.pool ?? sharedJsonLinesPool();
  const minBytes = options.minBytes ?? PARALLEL_DEFAULTS.minBytes;
  if (pool.isStarted) return size >= minBytes;
  return size >= (options.minBytesToStart ?? options.minBytes ?? PARALLEL_DEFAULTS.minBytesToStart);
}

/**
 * Every document of the JSON Lines file at `path` (read up to its size when the read starts), in order, a
 * chunk's documents at a time. A bad line throws the UnreadableError the serial reader throws, after every
 * document before it; a worker that stops throws an error naming the file. The file is open (here; workers
 * read it through the same descriptor) until the reader ends or is stopped; stopping sends no more chunks,
 * and those in flight are parsed and dropped.
 */
export async function* readJsonLinesInParallel(
  path: string,
  shape: DocumentShape,
  options: ParallelReadOptions = {},
): AsyncGenerator<readonly DocumentItem[]> {
  const pool = options.pool ?? sharedJsonLinesPool();
  const chunksInFlight = Math.max(1, options.chunksInFlight ?? PARALLEL_DEFAULTS.chunksInFlight);
  const chunkBytes = Math.max(1, options.chunkBytes ?? PARALLEL_DEFAULTS.chunkBytes);
  const file = await open(path, "r");
  const ahead: Array<{ job: ChunkJob; parsed?: Promise<ChunkResult> }> = [];
  try {
    const { size } = await file.stat();
    pool.warm();
    // Chunks in file order; a chunk is sent to a worker once one is ready, and parsed here if its turn comes
    // first — so a read never waits for workers to start. Once they are ready, every chunk is sent as soon
    // as it is planned, so this thread only assembles documents.
    let nextStart = 0;
    let linesBefore = 0;
    for (;;) {
      while (nextStart < size && ahead.length < chunksInFlight) {
        const end = Math.min(size, nextStart + chunkBytes);
        ahead.push({ job: { fd: file.fd, start: nextStart, end, shape } });
        nextStart = end;
      }
      const head = ahead.shift();
      if (head === undefined) return;
      // A worker says it is ready by a message, seen only when this thread returns to its event loop: while
      // the workers start, let it (once a chunk) rather than parse the whole file here unaware of them.
      if (head.parsed === undefined && !pool.isReady) await setImmediate();
      // The head, if not sent yet, is parsed here at once: sending it now would only make this thread wait.
      if (pool.isReady) for (const chunk of ahead) chunk.parsed ??= sent(pool, chunk.job);
      const result = head.parsed ? await settled(head.parsed, path) : parseJsonLinesChunk(head.job).result;
      if (result.readFailure) throw Object.assign(new Error(result.readFailure.message), result.readFailure);
      restoreChunkFloats(result);
      if (result.items.length > 0) yield result.items;
      if (result.failure)
        throw lineFailureError(path, linesBefore + result.failure.index + 1, result.failure);
      linesBefore += result.lines;
      options.onBytesRead?.(head.job.end - head.job.start);
    }
  } finally {
    // Workers may still be reading chunks sent ahead: closing the descriptor under them could let its
    // number be reused by another file before they read. They are quick (a chunk each).
    await Promise.allSettled(ahead.map((chunk) => chunk.parsed));
    await file.close();
  }
}

function sent(pool: JsonLinesWorkerPool, job: ChunkJob): Promise<ChunkResult> {
  const parsed = pool.parse(job);
  // Awaited in its turn; until then (or for good, if the reader stops) a rejection is not unhandled.
  parsed.catch(() => {});
  return parsed;
}

/** The chunk's result; a worker that stopped becomes an error naming the file. */
async function settled(result: Promise<ChunkResult>, path: string): Promise<ChunkResult> {
  try {
    return await result;
  } catch (error) {
    throw new Error(`${path}: cannot parse: ${(error as Error).message}`, { cause: error });
  }
}
