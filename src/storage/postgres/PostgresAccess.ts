// A PostgreSQL catalog's access data (migration 3). A write is a compare-and-swap on the one state row in a
// transaction: its upsert takes the row's lock and succeeds only at the expected version, so of two writers
// with the same `expected` exactly one succeeds, however many processes share the database.
import type pg from "pg";
import type { AccessRecords, AuditEntry, StoredAccess } from "../../access/AccessRecords.ts";
import { AUDIT_COLUMNS, auditEntryOf, auditRow, staleAccess } from "../accessRows.ts";
import { bound, statement } from "./connectionPool.ts";

const ACCESS_VERSION = statement("access_version", "SELECT version FROM access_state WHERE id = 1");
const ACCESS_READ = statement("access_read", "SELECT version, state FROM access_state WHERE id = 1");
/**
 * The compare-and-swap, each changing no row when another writer came first: the first write inserts the row
 * (a concurrent insert waits for the other's commit, then does nothing); later ones update it at the expected
 * version (a concurrent update waits for the row's lock, then finds the version moved on).
 */
const ACCESS_FIRST = statement(
  "access_first",
  "INSERT INTO access_state (id, version, state) VALUES (1, 1, $1) ON CONFLICT (id) DO NOTHING",
);
const ACCESS_SWAP = statement(
  "access_swap",
  "UPDATE access_state SET version = $1::bigint + 1, state = $2 WHERE id = 1 AND version = $1::bigint",
);
/** The next id after the log's last: safe from races, as the writer holds the state row's lock. */
const AUDIT_APPEND = statement(
  "access_audit_append",
  `INSERT INTO access_audit (id, ${AUDIT_COLUMNS})
   SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4 FROM access_audit`,
);
const AUDIT_PAGE = statement(
  "access_audit_page",
  "SELECT id, at, actor, action, detail FROM access_audit WHERE id > $1 ORDER BY id LIMIT $2",
);
const NOTE_KEY_USE = statement(
  "note_key_use",
  `INSERT INTO key_uses (prefix, at) VALUES ($1, $2)
   ON CONFLICT (prefix) DO UPDATE SET at = greatest(key_uses.at, excluded.at)`,
);
const KEY_USES = statement("key_uses", "SELECT prefix, at FROM key_uses");

/** Runs `work` on one client between BEGIN and COMMIT (the store's write transaction, refused read-only). */
export type InTransaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

export class PostgresAccess implements AccessRecords {
  constructor(
    private readonly pool: pg.Pool,
    private readonly inTransaction: InTransaction,
  ) {}

  async read(): Promise<{ version: number; state: StoredAccess | undefined }> {
    const [row] = (await this.pool.query(bound(ACCESS_READ, []))).rows;
    return row ? { version: row.version, state: JSON.parse(row.state) } : { version: 0, state: undefined };
  }

  /** One primary-key lookup. */
  async version(): Promise<number> {
    return (await this.pool.query(bound(ACCESS_VERSION, []))).rows[0]?.version ?? 0;
  }

  write(expected: number, state: StoredAccess, audit: Omit<AuditEntry, "id">[]): Promise<number> {
    const text = JSON.stringify(state);
    return this.inTransaction(async (client) => {
      const swap = expected === 0 ? bound(ACCESS_FIRST, [text]) : bound(ACCESS_SWAP, [expected, text]);
      const { rowCount } = await client.query(swap);
      if (rowCount === 0) {
        const stored = (await client.query(bound(ACCESS_VERSION, []))).rows[0]?.version ?? 0;
        throw staleAccess(stored, expected);
      }
      for (const entry of audit) await client.query(bound(AUDIT_APPEND, auditRow(entry)));
      return expected + 1;
    });
  }

  async audit(options: { after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    // LIMIT NULL is no limit.
    const { rows } = await this.pool.query(bound(AUDIT_PAGE, [options.after ?? 0, options.limit ?? null]));
    return rows.map(auditEntryOf);
  }

  async noteKeyUse(prefix: string, at: number): Promise<void> {
    await this.inTransaction((client) => client.query(bound(NOTE_KEY_USE, [prefix, at])));
  }

  async keyUses(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query(bound(KEY_USES, []));
    return Object.fromEntries(rows.map((row) => [row.prefix, row.at]));
  }
}
