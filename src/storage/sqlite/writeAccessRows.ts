// Writing a SQLite catalog's access data, in the writer thread inside the writer's transaction (BEGIN
// IMMEDIATE, so the version read here cannot change before the commit): the state's compare-and-swap with its
// audit rows, and a key's last use.
import type { AuditEntry } from "../../access/AccessRecords.ts";
import { AUDIT_COLUMNS, auditRow, staleAccess } from "../accessRows.ts";
import type { Connection } from "./Connection.ts";

/** The stored version of the access state: 0 before anything was stored. */
export const ACCESS_VERSION = "SELECT version FROM access_state WHERE id = 1";

/**
 * Stores `state` (JSON text) as version `expected + 1` with its audit entries; ConflictError, nothing
 * written, when the stored version is not `expected`. Returns the new version.
 */
export function writeAccessRows(
  writer: Connection,
  expected: number,
  state: string,
  audit: Omit<AuditEntry, "id">[],
): number {
  const stored = (writer.sql(ACCESS_VERSION).pluck().get() as number | undefined) ?? 0;
  if (stored !== expected) throw staleAccess(stored, expected);
  writer
    .sql(
      `INSERT INTO access_state (id, version, state) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state`,
    )
    .run(expected + 1, state);
  const insert = writer.sql(`INSERT INTO access_audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
  for (const entry of audit) insert.run(...auditRow(entry));
  return expected + 1;
}

/** Records a key's use at `at`, unless a later one is recorded already. */
export function noteKeyUseRow(writer: Connection, prefix: string, at: number): void {
  writer
    .sql(
      `INSERT INTO key_uses (prefix, at) VALUES (?, ?)
       ON CONFLICT (prefix) DO UPDATE SET at = max(at, excluded.at)`,
    )
    .run(prefix, at);
}
