// An ingest request's body, received whole before its put begins: a put of many slices keeps one write
// transaction open while it reads, so a client that sends slowly, or stops half-way, must never be the one
// it waits for (every other writer would wait too). Small bodies stay in memory, larger ones go to a
// temporary file read back at disk speed; a body that brings no data for `idleMs` is cut with a 408.
import { createReadStream } from "node:fs";
import { type FileHandle, mkdtemp, open, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RequestTimeoutError } from "../errors.ts";

/** Bodies up to this size are kept in memory. */
const IN_MEMORY_BYTES = 4 * 1024 * 1024;

export interface SpooledBody {
  /** Bytes received. */
  readonly bytes: number;
  /** The body, from its first byte (read once). */
  chunks(): AsyncIterable<Buffer>;
  /** Removes the temporary file, if there is one. */
  dispose(): Promise<void>;
}

async function* fromMemory(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** Receives the whole body of `request`; RequestTimeoutError when no data comes for `idleMs`. */
export async function spoolBody(request: IncomingMessage, idleMs: number): Promise<SpooledBody> {
  // The wait is abandoned rather than the request destroyed, so the client still gets the 408.
  let cut!: (error: Error) => void;
  const idle = new Promise<never>((_resolve, reject) => {
    cut = reject;
  });
  idle.catch(() => undefined); // raced at every step; this only keeps a late cut from being "unhandled"
  const timer = setTimeout(() => {
    cut(
      new RequestTimeoutError(
        `request body: no data for ${idleMs / 1000} s; the upload was cut, nothing stored`,
      ),
    );
  }, idleMs);
  const held: Buffer[] = [];
  let bytes = 0;
  let spool: { dir: string; path: string; file: FileHandle } | undefined;
  try {
    const iterator = (request as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (let step = await Promise.race([iterator.next(), idle]); !step.done; ) {
      timer.refresh();
      const chunk = step.value;
      bytes += chunk.length;
      if (spool) await spool.file.write(chunk);
      else {
        held.push(chunk);
        if (bytes > IN_MEMORY_BYTES) spool = await spoolFile(held.splice(0));
      }
      step = await Promise.race([iterator.next(), idle]);
    }
    await spool?.file.close();
  } catch (error) {
    if (spool) {
      await spool.file.close().catch(() => undefined);
      await rm(spool.dir, { recursive: true, force: true });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (!spool) return { bytes, chunks: () => fromMemory(held), dispose: async () => {} };
  const { dir, path } = spool;
  return {
    bytes,
    chunks: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A new temporary file holding `chunks`, open for more. */
async function spoolFile(chunks: Buffer[]): Promise<{ dir: string; path: string; file: FileHandle }> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-upload-"));
  const path = join(dir, "body");
  const file = await open(path, "w");
  for (const chunk of chunks) await file.write(chunk);
  return { dir, path, file };
}
