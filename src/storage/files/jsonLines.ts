// The append-only JSON Lines sidecars of a files catalog (its deletion log, its access audit): records
// appended and fsynced, read back with a line cut short by a crash left out.
import { appendFile, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { syncDirectory } from "./durableFiles.ts";

/** Appends `records` to `name` in `directory`, durably (the file, and the directory when it is new). */
export async function appendJsonLines(
  directory: string,
  name: string,
  records: readonly unknown[],
): Promise<void> {
  const path = join(directory, name);
  const handle = await open(path, "a+");
  let created: boolean;
  try {
    const { size } = await handle.stat();
    created = size === 0;
    // A line torn by a crash gets its end first, so the records appended now stay lines of their own.
    const last = Buffer.alloc(1);
    if (size > 0) await handle.read(last, 0, 1, size - 1);
    const torn = size > 0 && last[0] !== 0x0a;
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join("");
    // O_APPEND: records of concurrent writers interleave by whole lines.
    await appendFile(handle, torn ? `\n${text}` : text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await syncDirectory(directory);
}

/** The records of `name` in `directory`, in file order: none when it does not exist; torn lines left out. */
export async function readJsonLines<T>(directory: string, name: string): Promise<T[]> {
  const text = await readFile(join(directory, name), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const records: T[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // A torn line: the write it belonged to did not complete.
    }
  }
  return records;
}
