// Exports written to a stream (stdout, an HTTP response): a one-file export as its bytes, a folder export as
// a tar archive. Memory stays constant: files a library must write itself (HDF5) and the files of a tar
// (whose header needs the size first) are written to a temporary file, then streamed out and removed.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { FileSink, FolderSink } from "../ExportFormat.ts";
import { type ByteCount, checkedRelativeName, fileSinkAt } from "./directorySink.ts";
import { tarHeader, tarPadding } from "./tarHeader.ts";
import { writeChunk } from "./writeChunk.ts";

/** Runs `use` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTemporaryDirectory<T>(use: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), "databroker-export-"));
  try {
    return await use(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function streamFile(out: Writable, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) await writeChunk(out, chunk);
}

/** A sink whose bytes go to `out` as they are written. */
export function streamFileSink(out: Writable, count: ByteCount): FileSink {
  let written = false;
  return {
    async write(chunk) {
      written = true;
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      await writeChunk(out, bytes);
      count.bytes += bytes.byteLength;
    },
    async writeVia(fill) {
      if (written) throw new Error("writeVia on a file sink that was written to");
      written = true;
      await withTemporaryDirectory(async (directory) => {
        const path = join(directory, "export");
        await fill(path);
        count.bytes += (await stat(path)).size;
        await streamFile(out, path);
      });
    },
  };
}

/** A folder sink writing a tar archive to `out`, every name under `prefix` (e.g. `run/`); the caller ends the archive (TAR_END). */
export function tarFolder(out: Writable, prefix: string, count: ByteCount): FolderSink {
  const mtime = Date.now() / 1000;
  async function add(name: string, path: string): Promise<void> {
    const { size } = await stat(path);
    await writeChunk(out, tarHeader(`${prefix}${checkedRelativeName(name)}`, size, mtime));
    await streamFile(out, path);
    await writeChunk(out, tarPadding(size));
  }
  return {
    file: (name, fill) =>
      withTemporaryDirectory(async (directory) => {
        const path = join(directory, "file");
        await fileSinkAt(path, count, fill);
        await add(name, path);
      }),
    async copy(name, source) {
      await add(name, source);
      count.bytes += (await stat(source)).size;
    },
  };
}
