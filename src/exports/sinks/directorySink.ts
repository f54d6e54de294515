// Exports written into a directory: each file is written whole, then given its name (a failed run never
// leaves a half file under a real name), and every byte is counted for the progress bar.
import { copyFile, mkdir, open, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ValidationError } from "../../errors.ts";
import type { FileSink, FolderSink } from "../ExportFormat.ts";

/** Counts the bytes an export has written so far (all its files). */
export class ByteCount {
  bytes = 0;
}

/** A relative `/` path that stays inside its folder (no absolute path, no `..`, no empty part). */
export function checkedRelativeName(name: string): string {
  const parts = name.split("/");
  if (
    name === "" ||
    parts.some((part) => part === "" || part === "." || part === "..") ||
    name.includes("\0")
  )
    throw new ValidationError(
      `export file name ${JSON.stringify(name)} is not a relative path inside the export`,
    );
  return name;
}

/** A sink writing the file `path`. */
export async function fileSinkAt(
  path: string,
  count: ByteCount,
  fill: (sink: FileSink) => Promise<void>,
): Promise<void> {
  const handle = await open(path, "w");
  let written = false;
  const sink: FileSink = {
    async write(chunk) {
      written = true;
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      await handle.write(bytes);
      count.bytes += bytes.byteLength;
    },
    async writeVia(write) {
      if (written) throw new Error("writeVia on a file sink that was written to");
      written = true;
      await handle.close();
      await write(path);
      count.bytes += (await stat(path)).size;
    },
  };
  try {
    await fill(sink);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** A folder sink under `directory` (which the caller renames into place once the run is complete). */
export function directoryFolder(directory: string, count: ByteCount): FolderSink {
  return {
    async file(name, fill) {
      const path = join(directory, checkedRelativeName(name));
      await mkdir(dirname(path), { recursive: true });
      await fileSinkAt(path, count, fill);
    },
    async copy(name, source) {
      const path = join(directory, checkedRelativeName(name));
      await mkdir(dirname(path), { recursive: true });
      await copyFile(source, path);
      count.bytes += (await stat(path)).size;
    },
  };
}
