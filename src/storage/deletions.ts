// The audit record of a deleted run: who deleted which run, when and why. Every adapter keeps one per deletion
// (SQLite and PostgreSQL in a `deletions` table, a files catalog in a sidecar log, memory in a list), built
// here so they all record the same thing.
import type { RunStart } from "../documents/types.ts";

/** Who asks for a deletion, and why (optional). */
export interface DeletionRequest {
  /** The principal: the HTTP principal's id, or the command line's user. */
  by: string;
  reason?: string;
}

/** One deletion, as the audit keeps it. */
export interface RunDeletion {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  /** Seconds since the epoch. */
  deleted_at: number;
  deleted_by: string;
  reason: string | null;
}

/** The record of deleting the run that `start` began, now. */
export function deletionOf(start: RunStart, request: DeletionRequest): RunDeletion {
  return {
    uid: start.uid,
    scan_id: typeof start.scan_id === "number" && Number.isFinite(start.scan_id) ? start.scan_id : null,
    plan_name: typeof start.plan_name === "string" ? start.plan_name : null,
    deleted_at: Date.now() / 1000,
    deleted_by: request.by,
    reason: request.reason === undefined || request.reason === "" ? null : request.reason,
  };
}

/** The SQL catalogs' `deletions` columns, in the order `deletionRow` gives their values. */
export const DELETION_COLUMNS = "uid, scan_id, plan_name, deleted_at, deleted_by, reason";

/** A deletion's values for one row of the `deletions` table. */
export function deletionRow(deletion: RunDeletion): Array<string | number | null> {
  const { uid, scan_id, plan_name, deleted_at, deleted_by, reason } = deletion;
  return [uid, scan_id, plan_name, deleted_at, deleted_by, reason];
}
