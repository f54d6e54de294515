// What the slices of one put carry from one to the next: the singletons already written (conflicts name them
// as of this batch) and the run of the last document that had one (old resources without run_start join it).

export interface BatchProgress {
  /** Singletons written by earlier slices, with their doc_index. */
  written: Map<string, number>;
  /** The run of the last document of earlier slices that had one. */
  lastRun: string | null;
}
