// The audit of a files catalog's deleted runs: a sidecar JSON Lines file in the catalog directory, one record
// a line, appended and fsynced before the run's files are removed (a deletion is never unrecorded). Its name
// starts with a dot, so no reader of the directory takes it for a document file.
import type { RunDeletion } from "../deletions.ts";
import { appendJsonLines, readJsonLines } from "./jsonLines.ts";

export const DELETION_LOG = ".databroker-deletions.jsonl";

/** Appends `record` to the directory's deletion log, durably (the file, and the directory when it is new). */
export function appendDeletion(directory: string, record: RunDeletion): Promise<void> {
  return appendJsonLines(directory, DELETION_LOG, [record]);
}

/**
 * The directory's deletion records, oldest first; a line cut short by a crash is left out (its deletion did
 * not go further: the files are removed only after the sync).
 */
export function readDeletions(directory: string): Promise<RunDeletion[]> {
  return readJsonLines<RunDeletion>(directory, DELETION_LOG);
}
