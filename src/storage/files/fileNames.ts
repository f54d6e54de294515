// How the files adapter names the files it adds: a run's first file after its start uid, a later batch in a
// continuation file that sorts right after the run's last one, because directories are read in name order:
//   abc.jsonl -> abc_000001.jsonl -> abc_000002.jsonl ('.' < '_');  usaxs.json (many runs) -> usaxs_000001.jsonl
// A name taken already (another process got there first) moves on to the next one.
import { extname } from "node:path";

const SEQUENCE_DIGITS = 6;
const LAST_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;
const CONTINUATION = new RegExp(`^(.*)_(\\d{${SEQUENCE_DIGITS}})\\.jsonl$`);

/**
 * A file name stem for a uid: characters that are unsafe in file names become `_`, and it never starts
 * with a dot (readers skip hidden files). Distinct uids may meet in one stem; a taken name moves on.
 */
export function safeStem(uid: string): string {
  const stem = uid
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\./, "_")
    .slice(0, 200);
  return stem === "" ? "run" : stem;
}

/**
 * The continuation file after the directory entry `entry` (a file, or a folder holding the run's last
 * file): a name that sorts after `entry` and after everything under it.
 */
export function continuationName(entry: string, isFolder = false): string {
  const numbered = isFolder ? null : CONTINUATION.exec(entry);
  if (numbered && Number(numbered[2]) < LAST_SEQUENCE) return sequenced(numbered[1], Number(numbered[2]) + 1);
  const stem = isFolder ? entry : entry.slice(0, entry.length - extname(entry).length);
  return sequenced(stem, 1);
}

function sequenced(stem: string, n: number): string {
  return `${stem}_${String(n).padStart(SEQUENCE_DIGITS, "0")}.jsonl`;
}

/** `first`, then the continuations after it, without end. */
export function* namesFrom(first: string): Generator<string> {
  for (let name = first; ; name = continuationName(name)) yield name;
}

/** `stem + extension`, then `stem-1 + extension`, `stem-2 + extension`, ... without end. */
export function* numberedNames(stem: string, extension: string): Generator<string> {
  yield `${stem}${extension}`;
  for (let n = 1; ; n++) yield `${stem}-${n}${extension}`;
}
