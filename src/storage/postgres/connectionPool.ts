// The `pg` connection pool of a PostgreSQL catalog, with the value conversion this adapter relies on (bigint
// as number), and named prepared statements.
import { createRequire } from "node:module";
import type pg from "pg";

const INT8 = 20;

let loadedPg: typeof pg | undefined;

/** pg, loaded when a PostgreSQL catalog is first opened: its many files cost every other command start-up time. */
function pgModule(): typeof pg {
  loadedPg ??= createRequire(import.meta.url)("pg") as typeof pg;
  return loadedPg;
}

/**
 * Conversions for this pool only (pg's defaults are process-wide and shared with other code): bigints are
 * counts and ids far below 2^53, so numbers. (Results stay in text form: pg decodes every result field as
 * UTF-8 text, so binary results would corrupt blobs; bytea arrives as hex and is decoded natively.)
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number) =>
    oid === INT8
      ? (value: string) => Number(value)
      : pgModule().types.getTypeParser(oid, "text")) as unknown as pg.CustomTypesConfig["getTypeParser"],
};

/** A connection URI without its password, for messages. */
export function redactedUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}

/** What runs a query: the pool, or one client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** A pool of `max` connections; with `statementTimeoutMs`, PostgreSQL cancels any statement running longer. */
export function openPool(uri: string, max = 10, statementTimeoutMs?: number): pg.Pool {
  const pool = new (pgModule().Pool)({
    connectionString: uri,
    max,
    types,
    application_name: "databroker",
    statement_timeout: statementTimeoutMs,
  });
  // An idle connection that drops (server restart) must not crash the process: the next query reports it.
  pool.on("error", () => undefined);
  return pool;
}

/** One connection outside the pool, for LISTEN (a pooled one would be handed to other work). */
export function openClient(uri: string): pg.Client {
  return new (pgModule().Client)({ connectionString: uri, types, application_name: "databroker listener" });
}

/**
 * A statement prepared once per connection under its name: the fixed, frequent lookups and writes. (Searches
 * vary in shape and go unnamed, planned for their values.)
 */
export interface Statement {
  name: string;
  text: string;
}

export function statement(name: string, text: string): Statement {
  return { name: `databroker_${name}`, text };
}

/** The query config of a statement with its values. */
export function bound(prepared: Statement, values: unknown[]): pg.QueryConfig {
  return { name: prepared.name, text: prepared.text, values };
}
