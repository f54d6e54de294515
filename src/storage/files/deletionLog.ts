// The audit of a files catalog's deleted runs: a sidecar JSON Lines file in the catalog directory, one record
// a line, appended and fsynced before the run's files are removed (a deletion is never unrecorded). Its name
// starts with a dot, so no reader of the directory takes it for a document file.
import { appendFile, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunDeletion } from "../deletions.ts";
import { syncDirectory } from "./durableFiles.ts";

export const DELETION_LOG = ".databroker-deletions.jsonl";

/** Appends `record` to the directory's deletion log, durably (the file, and the directory when it is new). */
export async function appendDeletion(directory: string, record: RunDeletion): Promise<void> {
  const path = join(directory, DELETION_LOG);
  const created = await open(path, "wx").then(
    (handle) => handle.close().then(() => true),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return false;
      throw error;
    },
  );
  if (created) await syncDirectory(directory);
  // O_APPEND: records of concurrent writers interleave by whole lines.
  await appendFile(path, `${JSON.stringify(record)}\n`);
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The directory's deletion records, oldest first; a line cut short by a crash is left out. */
export async function readDeletions(directory: string): Promise<RunDeletion[]> {
  const text = await readFile(join(directory, DELETION_LOG), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const records: RunDeletion[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as RunDeletion);
    } catch {
      // A torn last line: its deletion did not go further (the files are removed only after the sync).
    }
  }
  return records;
}
