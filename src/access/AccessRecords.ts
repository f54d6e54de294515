// Where a catalog keeps its access data — memberships, API keys, re-tags, as one JSON state with a version —
// and the audit of every change. Each backend stores it beside its runs (tables in SQLite and PostgreSQL, a
// sidecar file for a files catalog, an object in memory); everything the data means lives in access/.

/** The access state as stored: JSON that access/AccessState.ts reads and checks. */
export type StoredAccess = Record<string, unknown>;

/** One change to the access state or to a run's access, as the audit log keeps it. */
export interface AuditEntry {
  /** Position in the log, from 1, assigned by the store. */
  id: number;
  /** Seconds since the epoch. */
  at: number;
  /** Who made the change: a user id, or `local:<os user>` for the command line. */
  actor: string;
  /** What was done, e.g. `membership.load`, `key.create`, `key.revoke`, `run.retag`. */
  action: string;
  /** What changed, as JSON. */
  detail: Record<string, unknown>;
}

export interface AccessRecords {
  /** The stored state and its version: version 0 and no state before anything was stored. */
  read(): Promise<{ version: number; state: StoredAccess | undefined }>;
  /** The version alone: what the server checks on every request, so it must be cheap. */
  version(): Promise<number>;
  /**
   * Stores `state` and appends `audit` in one transaction when the stored version is still `expected`
   * (ConflictError otherwise: another writer came first; read again and retry). Returns the new version.
   */
  write(expected: number, state: StoredAccess, audit: Omit<AuditEntry, "id">[]): Promise<number>;
  /** The audit log, oldest first: entries after id `after`, at most `limit`. */
  audit(options?: { after?: number; limit?: number }): Promise<AuditEntry[]>;
  /** Records when an API key was last used: not a change of the state (no new version, no audit). */
  noteKeyUse(prefix: string, at: number): Promise<void>;
  /** Each key prefix's last use, seconds since the epoch. */
  keyUses(): Promise<Record<string, number>>;
}
