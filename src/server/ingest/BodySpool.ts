// An ingest request's body, received as fast as the client sends it and read back by the parser as it
// arrives. A put of many slices keeps one write transaction open while it reads, so it must never read from
// the client itself: the put reads the spool, and waits for `complete` before it takes the write lock. The
// head of a body is still parsed as it comes (damage early in a large upload is answered at once). Small
// bodies stay in memory, larger ones go to a temporary file; a body that brings no data for `idleMs` is cut.
import { type FileHandle, mkdtemp, open, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PayloadTooLargeError, RequestTimeoutError } from "../errors.ts";
import { howToRaise } from "./ingestLimits.ts";

/** Bodies up to this size are kept in memory. */
const IN_MEMORY_BYTES = 4 * 1024 * 1024;
/** How much a read from the spool file takes at once. */
const READ_BYTES = 1024 * 1024;

export class BodySpool {
  /** Settles once the whole body is here (or rejects: cut for idleness, the client gone). */
  readonly complete: Promise<void>;
  private memory: Buffer[] | null = [];
  private file: { dir: string; handle: FileHandle } | null = null;
  /** Bytes received, and bytes of them in the file (in file mode). */
  private received = 0;
  private written = 0;
  private ended = false;
  private failure: Error | null = null;
  private changed: Array<() => void> = [];
  private abandon!: (error: Error) => void;

  private constructor(
    request: IncomingMessage,
    idleMs: number,
    private readonly maxBytes: number,
  ) {
    this.complete = this.receive(request, idleMs);
    this.complete.catch(() => undefined); // read by the put or by `chunks()`; never left unhandled
  }

  /** Starts receiving `request`'s body, refused once more than `maxBytes` have come. */
  static receive(request: IncomingMessage, idleMs: number, maxBytes = Number.POSITIVE_INFINITY): BodySpool {
    return new BodySpool(request, idleMs, maxBytes);
  }

  /** The body from its first byte, following it as it arrives (read once). */
  async *chunks(): AsyncGenerator<Buffer> {
    let position = 0;
    let index = 0;
    for (;;) {
      if (this.memory !== null && index < this.memory.length) {
        const chunk = this.memory[index++];
        position += chunk.length;
        yield chunk;
      } else if (this.memory === null && position < this.written && this.file) {
        const length = Math.min(READ_BYTES, this.written - position);
        const { bytesRead, buffer } = await this.file.handle.read(
          Buffer.allocUnsafe(length),
          0,
          length,
          position,
        );
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      } else if (this.failure) throw this.failure;
      else if (this.ended && position >= this.received) return;
      else await new Promise<void>((resolve) => this.changed.push(resolve));
    }
  }

  /** Stops receiving (what is still coming is left unread) and removes the temporary file. */
  async dispose(): Promise<void> {
    this.abandon(new Error("request body: no longer read"));
    await this.complete.catch(() => undefined);
    if (this.file) {
      await this.file.handle.close().catch(() => undefined);
      await rm(this.file.dir, { recursive: true, force: true });
    }
  }

  private notify(): void {
    for (const resolve of this.changed.splice(0)) resolve();
  }

  private async receive(request: IncomingMessage, idleMs: number): Promise<void> {
    // The wait is abandoned rather than the request destroyed, so the client still gets the 408.
    const abandoned = new Promise<never>((_resolve, reject) => {
      this.abandon = reject;
    });
    abandoned.catch(() => undefined);
    const timer = setTimeout(() => {
      const seconds = idleMs / 1000;
      this.abandon(
        new RequestTimeoutError(`request body: no data for ${seconds} s; the upload was cut, nothing stored`),
      );
    }, idleMs);
    try {
      const iterator = (request as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      for (let step = await Promise.race([iterator.next(), abandoned]); !step.done; ) {
        timer.refresh();
        await this.add(step.value);
        step = await Promise.race([iterator.next(), abandoned]);
      }
      this.ended = true;
    } catch (error) {
      this.failure = error as Error;
      throw error;
    } finally {
      clearTimeout(timer);
      this.notify();
    }
  }

  private async add(chunk: Buffer): Promise<void> {
    this.received += chunk.length;
    if (this.received > this.maxBytes) throw bodyTooLarge(this.maxBytes);
    if (this.memory !== null && this.received <= IN_MEMORY_BYTES) {
      this.memory.push(chunk);
    } else {
      if (this.memory !== null) await this.toFile(this.memory);
      await this.file?.handle.write(chunk);
      this.written += chunk.length;
    }
    this.notify();
  }

  /** Moves the body so far into a new temporary file; reads continue from it at the same position. */
  private async toFile(held: Buffer[]): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "databroker-upload-"));
    const handle = await open(join(dir, "body"), "w+");
    this.file = { dir, handle };
    for (const chunk of held) {
      await handle.write(chunk);
      this.written += chunk.length;
    }
    this.memory = null;
  }
}

/** The refusal of a body past `maxBytes` (counted as it arrives, or declared by Content-Length). */
export function bodyTooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `request body: larger than ${maxBytes} bytes, the limit of one request (${howToRaise("maxBodyBytes")}); nothing stored`,
  );
}
