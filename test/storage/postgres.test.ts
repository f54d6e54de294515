// The PostgreSQL adapter on a real PostgreSQL 15 server: the shared conformance suite, a fresh database for
// every store the suite opens; and concurrent writers of the access data, which one compare-and-swap orders.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ConflictError } from "../../src/errors.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { storeConformance } from "./conformance.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

storeConformance("postgres", async () => PostgresStore.open(await server.createDatabase()), {
  persistent: true,
});

test("access writers with the same expected version, on separate pools, at once: exactly one succeeds", async () => {
  const uri = await server.createDatabase();
  const stores = await Promise.all([PostgresStore.open(uri), PostgresStore.open(uri)]);
  try {
    // From version 0 (the first insert races) and from a stored version (the update races), several rounds.
    for (let expected = 0; expected < 4; expected++) {
      const attempts = [0, 1, 2, 3, 4, 5].map((n) =>
        stores[n % 2].access.write(expected, { writer: n }, [
          { at: n, actor: `writer-${n}`, action: "test", detail: { n } },
        ]),
      );
      const outcomes = await Promise.allSettled(attempts);
      const won = outcomes.flatMap((outcome, n) => (outcome.status === "fulfilled" ? [n] : []));
      assert.equal(won.length, 1, `round ${expected}: ${won.length} writers succeeded`);
      for (const outcome of outcomes)
        if (outcome.status === "rejected")
          assert.ok(outcome.reason instanceof ConflictError, String(outcome.reason));
      assert.deepEqual(await stores[0].access.read(), { version: expected + 1, state: { writer: won[0] } });
      const audit = await stores[1].access.audit();
      assert.deepEqual(
        audit.map((entry) => [entry.id, entry.actor]),
        audit.map((entry, i) => [i + 1, entry.actor]),
      );
      assert.equal(audit.at(-1)!.actor, `writer-${won[0]}`);
    }
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
});
