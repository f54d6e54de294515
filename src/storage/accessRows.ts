// What every backend of access/AccessRecords.ts shares: the conflict a stale write meets, and the audit as the
// SQL catalogs keep it (one row per entry, its detail as JSON text), so SQLite and PostgreSQL map it alike.
import type { AuditEntry } from "../access/AccessRecords.ts";
import { ConflictError } from "../errors.ts";

/** The error of a write whose `expected` version is no longer the stored one. */
export function staleAccess(stored: number, expected: number): ConflictError {
  return new ConflictError(
    `access data changed meanwhile (version ${stored}, expected ${expected}): read it again`,
  );
}

/** The SQL catalogs' `access_audit` columns besides id, in the order `auditRow` gives their values. */
export const AUDIT_COLUMNS = "at, actor, action, detail";

/** An entry's values for one row of `access_audit`. */
export function auditRow(entry: Omit<AuditEntry, "id">): [number, string, string, string] {
  return [entry.at, entry.actor, entry.action, JSON.stringify(entry.detail)];
}

/** A row of `access_audit` (id and AUDIT_COLUMNS) as the entry it stores. */
export function auditEntryOf(row: {
  id: number;
  at: number;
  actor: string;
  action: string;
  detail: string;
}): AuditEntry {
  return { id: row.id, at: row.at, actor: row.actor, action: row.action, detail: JSON.parse(row.detail) };
}

/** The entries of `log` (oldest first, ids ascending) an `audit({after, limit})` call answers. */
export function auditPage(
  log: readonly AuditEntry[],
  options: { after?: number; limit?: number } = {},
): AuditEntry[] {
  const after = options.after ?? 0;
  const from = log.findIndex((entry) => entry.id > after);
  if (from < 0) return [];
  return log.slice(from, options.limit === undefined ? undefined : from + options.limit);
}
