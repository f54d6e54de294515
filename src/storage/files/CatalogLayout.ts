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
}
