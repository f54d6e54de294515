// Writing a file or folder so that its name never shows a half-written one: under a hidden partial name
// beside it, renamed into place once complete; the partial is removed whatever happens. Document files
// (documents/formats/writeDocuments.ts) and exports (exports/exportRuns.ts) write this way.
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Calls `write` with the partial path to fill, then renames it to `target`. `beforeRename` runs between the
 * two (to clear what is in the way: a rename replaces a file, never a non-empty folder).
 */
export async function writeThenRename<T>(
  target: string,
  write: (partial: string) => Promise<T>,
  beforeRename?: () => Promise<void>,
): Promise<T> {
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  try {
    const result = await write(partial);
    await beforeRename?.();
    await rename(partial, target);
    return result;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}
