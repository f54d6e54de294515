// What following live data yields: changes to the runs a view sees, and one run's documents with their
// sequence numbers (the position of each document in the run's replay, 1 for the start).
import type { RunSummary } from "../catalog/RunSummary.ts";
import type { DocumentName } from "../documents/types.ts";

/** A run the view sees appeared ("start") or was stopped ("stop"); the summary as stored at that moment. */
export interface RunChange {
  kind: "start" | "stop";
  summary: RunSummary;
}

/** One stored document of a run, numbered in replay order from 1 (the start). */
export interface FollowedDocument {
  seq: number;
  name: DocumentName;
  doc: Record<string, unknown>;
}

export interface SubscribeOptions {
  /** Ends the iteration (the iterator returns) when aborted. */
  signal?: AbortSignal;
}

export interface FollowOptions {
  /** Documents after this sequence number only (0, the default: from the start). */
  after?: number;
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
}
