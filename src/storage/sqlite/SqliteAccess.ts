// A SQLite catalog's access data (schema version 4): read on the store's reader connection, which sees
// committed data only; written through the store's writer (writeAccessRows.ts), so access writes queue behind
// puts and deletions like every other write.
import type { AccessRecords, AuditEntry, StoredAccess } from "../../access/AccessRecords.ts";
import { auditEntryOf } from "../accessRows.ts";
import type { Connection } from "./Connection.ts";
import { ACCESS_VERSION } from "./writeAccessRows.ts";
import type { SqliteWriter } from "./writer/SqliteWriter.ts";

/** Runs `work` with the store's writer, in its write queue; refused when the store is read-only. */
export type WithWriter = <T>(work: (writer: SqliteWriter) => Promise<T>) => Promise<T>;

export class SqliteAccess implements AccessRecords {
  constructor(
    private readonly reader: Connection,
    private readonly withWriter: WithWriter,
  ) {}

  async read(): Promise<{ version: number; state: StoredAccess | undefined }> {
    const row = this.reader.sql("SELECT version, state FROM access_state WHERE id = 1").get() as
      | { version: number; state: string }
      | undefined;
    return row ? { version: row.version, state: JSON.parse(row.state) } : { version: 0, state: undefined };
  }

  /** One primary-key lookup. */
  async version(): Promise<number> {
    return (this.reader.sql(ACCESS_VERSION).pluck().get() as number | undefined) ?? 0;
  }

  write(expected: number, state: StoredAccess, audit: Omit<AuditEntry, "id">[]): Promise<number> {
    // Serialised here, so the thread receives text and nothing of the caller's objects.
    const text = JSON.stringify(state);
    return this.withWriter((writer) => writer.writeAccess(expected, text, audit));
  }

  async audit(options: { after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = this.reader
      .sql("SELECT id, at, actor, action, detail FROM access_audit WHERE id > ? ORDER BY id LIMIT ?")
      .all(options.after ?? 0, options.limit ?? -1) as Parameters<typeof auditEntryOf>[0][];
    return rows.map(auditEntryOf);
  }

  noteKeyUse(prefix: string, at: number): Promise<void> {
    return this.withWriter((writer) => writer.noteKeyUse(prefix, at));
  }

  async keyUses(): Promise<Record<string, number>> {
    const rows = this.reader.sql("SELECT prefix, at FROM key_uses").all() as Array<{
      prefix: string;
      at: number;
    }>;
    return Object.fromEntries(rows.map((row) => [row.prefix, row.at]));
  }
}
