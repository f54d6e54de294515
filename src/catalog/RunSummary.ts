// A run as a listing of runs gives it: what stores answer, what the broker and the server list.
import type { RunStart, RunStop } from "../documents/types.ts";

/** A run as listed by `runs()`: its metadata and how many events each stream holds. */
export interface RunSummary {
  uid: string;
  start: RunStart;
  stop: RunStop | null;
  /** Events stored per stream name (descriptors sharing a name summed); a stream with no event shows 0. */
  streams: Record<string, number>;
  /** In a federation of catalogs: the names of the sources holding the run, the one it is read from first. */
  sources?: string[];
}
