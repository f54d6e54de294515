// The PostgreSQL adapter on a real PostgreSQL 15 server: the shared conformance suite, a fresh database for
// every store the suite opens; concurrent writers of the access data and of one annotation, on separate pools,
// which one compare-and-swap orders; and annotation writes racing the deletion of their run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import type { Annotation } from "../../src/annotations/Annotation.ts";
import type { AnnotationChange } from "../../src/annotations/AnnotationRecords.ts";
import { ConflictError, NotFoundError } from "../../src/errors.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { storeConformance } from "./conformance.ts";
import { smallRun } from "./syntheticRuns.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

storeConformance("postgres", async () => PostgresStore.open(await server.createDatabase()), {
  persistent: true,
  otherWriters: true,
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

function noteOn(run: string, id: string): Annotation {
  return {
    id,
    run,
    author: "u1",
    created: 1_700_000_000,
    updated: 1_700_000_000,
    revision: 1,
    visibility: "beamtime",
    shared_with: [],
    tags: ["raced"],
    body: "",
    values: {},
  };
}

function editOf(previous: Annotation, body: string): AnnotationChange {
  const annotation = { ...previous, body, revision: previous.revision + 1, updated: previous.updated + 1 };
  return { action: "edit", annotation, expected: previous.revision, actor: "u1", at: annotation.updated };
}

test("annotation writers from one revision, on separate pools, at once: exactly one wins each round", async () => {
  const uri = await server.createDatabase();
  const stores = await Promise.all([PostgresStore.open(uri), PostgresStore.open(uri)]);
  try {
    const run = smallRun({ plan_name: "annotated" });
    await stores[0].put(run.documents);
    const creates = await Promise.allSettled(
      [0, 1, 2, 3].map((n) =>
        stores[n % 2].annotations.write({
          action: "create",
          annotation: { ...noteOn(run.uid, "raced-1"), body: `creator ${n}` },
          expected: 0,
          actor: "u1",
          at: 1,
        }),
      ),
    );
    assert.equal(creates.filter((outcome) => outcome.status === "fulfilled").length, 1);
    for (let round = 0; round < 4; round++) {
      const current = (await stores[1].annotations.get("raced-1"))!;
      const outcomes = await Promise.allSettled(
        [0, 1, 2, 3, 4, 5].map((n) =>
          stores[n % 2].annotations.write(editOf(current, `round ${round} by ${n}`)),
        ),
      );
      const won = outcomes.flatMap((outcome, n) => (outcome.status === "fulfilled" ? [n] : []));
      assert.equal(won.length, 1, `round ${round}: ${won.length} writers succeeded`);
      for (const outcome of outcomes)
        if (outcome.status === "rejected")
          assert.ok(outcome.reason instanceof ConflictError, String(outcome.reason));
      assert.equal((await stores[0].annotations.get("raced-1"))?.body, `round ${round} by ${won[0]}`);
    }
    const history = await stores[0].annotations.revisions("raced-1");
    assert.deepEqual(
      history.map((revision) => revision.revision),
      [1, 2, 3, 4, 5],
    );
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
});

test("annotation writes racing the deletion of their run leave no annotation, revision or search row behind", async () => {
  const uri = await server.createDatabase();
  const stores = await Promise.all([PostgresStore.open(uri), PostgresStore.open(uri)]);
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    for (let round = 0; round < 5; round++) {
      const run = smallRun({ plan_name: "doomed", round });
      await stores[0].put(run.documents);
      const writes = Array.from({ length: 6 }, (_, n) =>
        stores[n % 2].annotations.write({
          action: "create",
          annotation: noteOn(run.uid, `doomed-${round}-${n}`),
          expected: 0,
          actor: "u1",
          at: 1,
        }),
      );
      const deletion = stores[1].deleteRun(run.uid, { by: "tester", reason: "race" });
      const outcomes = await Promise.allSettled([...writes, deletion]);
      assert.equal(outcomes.at(-1)!.status, "fulfilled");
      for (const outcome of outcomes)
        if (outcome.status === "rejected")
          assert.ok(outcome.reason instanceof NotFoundError, String(outcome.reason));
      for (const table of ["annotations", "annotation_readers", "annotation_tags"]) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE run = $1`, [
          run.uid,
        ]);
        assert.equal(rows[0].n, 0, `${table} keeps rows of the deleted run`);
      }
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM annotation_revisions WHERE annotation LIKE $1",
        [`doomed-${round}-%`],
      );
      assert.equal(rows[0].n, 0, "annotation_revisions keeps rows of the deleted run");
    }
  } finally {
    await client.end();
    await Promise.all(stores.map((store) => store.close()));
  }
});
