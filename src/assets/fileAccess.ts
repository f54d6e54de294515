// The one way external files are opened: the path resolved (symlinks, `..`) and required inside the
// catalog's file roots, only regular files (never /dev/zero, a FIFO or a directory), reads counted against
// the read's budget. Reads go straight into fresh, aligned buffers.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { UnreadableError } from "../errors.ts";
import { ExternalFileError } from "./ExternalFileError.ts";
import { FileRoots } from "./FileRoots.ts";
import { ReadBudget } from "./ReadBudget.ts";

/** No symlink swapped in after the check; a FIFO never blocks the open. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** An open regular file for positioned reads; call `close` when done. */
export class RandomAccessFile {
  constructor(
    /** The real path (what was opened). */
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

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

/** The roots files are opened from and the budget of the read under way. */
export class FileAccess {
  constructor(
    readonly roots: FileRoots,
    readonly budget: ReadBudget,
    /** Told each path opened, as the handler asked for it (an export copying a run's files lists them so). */
    private readonly opened?: (path: string) => void,
  ) {}

  /**
   * Access for a path the caller chose itself (a library call such as `readNpyFile(path)`): any root, only
   * regular files, the default cap. Readers of documents never use it.
   */
  static callerChosen(): FileAccess {
    return new FileAccess(new FileRoots(["/"]), ReadBudget.capped());
  }

  /**
   * Opens `path` for reading. Missing, outside the roots or led out of them by a symlink: one
   * ExternalFileError, whichever it is. Inside them but not a regular file: an UnreadableError.
   */
  open(path: string): RandomAccessFile {
    const real = this.roots.locate(path);
    if (real === undefined) throw ExternalFileError.of(path);
    let fd: number | undefined;
    try {
      // stat before open: a FIFO or a device inside a root is refused without being opened.
      if (!statSync(real).isFile()) throw new UnreadableError(path, "open", "not a regular file");
      fd = openSync(real, OPEN_FLAGS);
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw new UnreadableError(path, "open", "not a regular file");
      this.opened?.(path);
      return new RandomAccessFile(real, fd, stats.size);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      if (error instanceof UnreadableError) throw error;
      // Gone or replaced since it was located: as if it had never been there.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") throw ExternalFileError.of(path);
      throw new UnreadableError(path, "open", (error as Error).message);
    }
  }

  /** The whole file, once the budget allows its size. */
  readWhole(path: string): Uint8Array {
    const file = this.open(path);
    try {
      this.budget.check(file.size, `file ${path}`);
      return file.read(0, file.size);
    } finally {
      file.close();
    }
  }
}
