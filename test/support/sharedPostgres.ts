// One PostgreSQL server per test process, started on first use and stopped after the process's last test, so
// suites that open many catalogs pay for initdb once and files that never use it start nothing.
import { after } from "node:test";
import { type PostgresServer, startPostgres } from "./postgresServer.ts";

let starting: Promise<PostgresServer> | undefined;

// Registered when this module loads (top level, so on the root suite): a hook added from inside a running
// test would belong to that test and stop the server as soon as it ends.
after(async () => (await starting)?.stop());

/** The test process's shared server (started now if it is not yet). */
export function sharedPostgres(): Promise<PostgresServer> {
  starting ??= startPostgres();
  return starting;
}
