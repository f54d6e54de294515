// How a catalog directory takes new documents: a plain directory of JSON Lines files, or a databroker-pack
// directory (its own format under documents/, its manifest kept up to date).
import type { RunFiles } from "./loadDirectory.ts";
import type { RunDocuments } from "./runOwnership.ts";

/** What a layout knows of the directory: which files hold each run, and which files are damaged. */
export interface DirectoryIndex {
  runFiles: RunFiles;
  damaged: Set<string>;
}

export interface CatalogLayout {
  /** The directories whose write permission an append needs. */
  readonly writableDirectories: string[];
  /**
   * Writes each run's new documents durably (temporary file, fsync, one atomic publish per file) and notes
   * the files in `index.runFiles`. Runs are published one after another, each whole.
   */
  append(runs: RunDocuments[], index: DirectoryIndex): Promise<void>;
  /**
   * Removes a deleted run's files (each holding that run only): `record` first (the audit: no deletion goes
   * unrecorded), then the files, last first: a crash part-way leaves the run's first files, a shorter run
   * that still reads back, and deleting it again finishes the job. A layout that cannot remove runs throws
   * before `record`.
   */
  remove(files: string[], record: () => Promise<void>): Promise<void>;
}
