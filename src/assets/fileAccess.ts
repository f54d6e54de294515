// Opening and reading detector files with typed errors: a missing file is a NotFoundError naming the path,
// anything else the OS refuses is an UnreadableError. Reads go straight into fresh, aligned buffers.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { NotFoundError, UnreadableError } from "../errors.ts";

function osError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new NotFoundError(`file not found: ${path}`);
  return new UnreadableError(path, "open", (error as Error).message);
}

/** The whole file, or a typed error. */
export function readWholeFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw osError(path, error);
  }
}

/** An open file descriptor for positioned reads; call `close` when done. */
export class RandomAccessFile {
  readonly path: string;
  readonly size: number;
  private readonly fd: number;

  constructor(path: string) {
    this.path = path;
    try {
      this.fd = openSync(path, "r");
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      throw osError(path, error);
    }
  }

  /** Reads `length` bytes at `position` into a new buffer (shorter only at the end of the file). */
  read(position: number, length: number): Uint8Array {
    // Unzeroed and unpooled: every byte is overwritten by the read, and the buffer starts at offset 0,
    // so typed arrays can view it in place.
    const bytes = Buffer.allocUnsafeSlow(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === bytes.length ? bytes : bytes.subarray(0, done);
  }

  close(): void {
    closeSync(this.fd);
  }
}
