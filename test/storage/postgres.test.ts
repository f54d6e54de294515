// The PostgreSQL adapter on a real PostgreSQL 15 server: the shared conformance suite, a fresh database for
// every store the suite opens.
import { after, before } from "node:test";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { storeConformance } from "./conformance.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

storeConformance("postgres", async () => PostgresStore.open(await server.createDatabase()));
