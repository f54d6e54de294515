// A batch larger than one slice (BatchCollector writes 20,000 documents at a time) keeps the meaning of one
// atomic put on every adapter: replayed as given, idempotent, rolled back whole by a late bad document or a
// late conflict, conflicts with earlier slices named as of the batch, and findings before store errors.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DocumentPair, Event, EventDescriptor } from "../../src/documents/types.ts";
import { ConflictError, ValidationError } from "../../src/errors.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { PostgresStore } from "../../src/storage/postgres/PostgresStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";
import { collect } from "./storeHelpers.ts";

/** Three slices' worth. */
const EVENTS = 45_000;

const dir = mkdtempSync(join(tmpdir(), "databroker-slices-"));
let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function descriptor(run: string, uid: string, name = "primary"): EventDescriptor {
  return {
    uid,
    run_start: run,
    time: 1_700_000_001,
    name,
    data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
  };
}

function* events(descriptorUid: string, count: number, firstSeq = 1): Generator<DocumentPair> {
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const event: Event = {
      uid: `${descriptorUid}-e${seq}`,
      descriptor: descriptorUid,
      seq_num: seq,
      time: 1_700_000_002 + seq,
      data: { x: seq / 3 },
      timestamps: { x: 1_700_000_002 + seq },
    };
    yield ["event", event];
  }
}

function largeRun(uid: string): DocumentPair[] {
  return [
    ["start", { uid, time: 1_700_000_000 }],
    ["descriptor", descriptor(uid, `${uid}-d`)],
    ...events(`${uid}-d`, EVENTS),
    ["stop", { uid: `${uid}-s`, run_start: uid, time: 1_800_000_000, exit_status: "success" }],
  ];
}

function sliceSemantics(kind: string, open: () => Promise<Store>): void {
  describe(`a batch of several slices (${kind})`, () => {
    test("is replayed as given, and putting it again stores nothing", async () => {
      const store = await open();
      try {
        const run = largeRun("r1");
        const report = await store.put(run);
        assert.deepEqual(
          { documents: report.documents, stored: report.stored, events: report.events, runs: report.runs },
          { documents: EVENTS + 3, stored: EVENTS + 3, events: EVENTS, runs: ["r1"] },
        );
        assert.deepEqual(await collect(store.documents("r1")), run);
        assert.equal((await store.fieldStats("r1-d")).x.count, EVENTS);
        const again = await store.put(run);
        assert.deepEqual([again.stored, again.skipped, again.events], [0, EVENTS + 3, 0]);
      } finally {
        await store.close();
      }
    });

    test("a bad document at the end stores nothing", async () => {
      const store = await open();
      try {
        const run = largeRun("r2");
        run.push(["event", { ...(run[2][1] as Event), seq_num: "late" }] as unknown as DocumentPair);
        await assert.rejects(store.put(run), (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.match(
            error.message,
            new RegExp(`^batch rejected, nothing stored: document ${EVENTS + 3} \\(event\\)`),
          );
          return true;
        });
        assert.equal(await store.count(), 0);
      } finally {
        await store.close();
      }
    });

    test("a conflict in the last slice with a document of the first names it and stores nothing", async () => {
      const store = await open();
      try {
        await store.put([["start", { uid: "r3", time: 1_700_000_000 }]]);
        // The run started earlier: the batch is judged by the store alone, slice by slice.
        const batch: DocumentPair[] = [
          ["descriptor", descriptor("r3", "r3-d")],
          ...events("r3-d", EVENTS),
          ["descriptor", descriptor("r3", "r3-d", "other")],
        ];
        await assert.rejects(store.put(batch), (error: unknown) => {
          assert.ok(error instanceof ConflictError);
          assert.match(
            error.message,
            /^descriptor r3-d \(document 45001\) conflicts with the descriptor r3-d in document 0 of this batch/,
          );
          return true;
        });
        assert.deepEqual(await store.descriptors("r3"), []);
      } finally {
        await store.close();
      }
    });

    test("a finding late in the batch takes precedence over a conflict in an early slice", async () => {
      const store = await open();
      try {
        await store.put([
          ["start", { uid: "r4", time: 1_700_000_000 }],
          ["descriptor", descriptor("r4", "r4-d")],
        ]);
        const batch: DocumentPair[] = [
          ["descriptor", descriptor("r4", "r4-d", "other")],
          ...events("r4-d", EVENTS),
          [
            "stop",
            { uid: "r4-s", run_start: "r4", time: "late", exit_status: "success" },
          ] as unknown as DocumentPair,
        ];
        await assert.rejects(store.put(batch), (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.match(error.message, new RegExp(`document ${EVENTS + 1} \\(stop\\)`));
          return true;
        });
        assert.equal((await store.descriptors("r4")).length, 1);
      } finally {
        await store.close();
      }
    });
  });
}

let files = 0;
sliceSemantics("memory", async () => new MemoryStore());
sliceSemantics("sqlite", async () => new SqliteStore(join(dir, `catalog-${files++}.sqlite`)));
sliceSemantics("postgres", async () => PostgresStore.open(await server.createDatabase()));
