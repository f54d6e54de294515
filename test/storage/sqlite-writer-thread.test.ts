// The SQLite writer thread: pipelined writes that fail still roll the whole put back, with SQLite's error
// and its code; a store waiting for another connection's lock does not hold up the others the thread
// serves; a thread that dies fails the puts in progress instead of hanging them, and the next put starts a
// new one; large commits are checkpointed after their answer; a batch's bytes travel in shared memory.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import Database from "better-sqlite3";
import type { DocumentPair } from "../../src/documents/types.ts";
import { ConflictError, UnreadableError, ValidationError } from "../../src/errors.ts";
import { BufferArena } from "../../src/storage/codec/BufferArena.ts";
import { pagePool } from "../../src/storage/codec/BufferPool.ts";
import type { PreparedBatch } from "../../src/storage/records.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { postableBatch } from "../../src/storage/sqlite/writer/batchTransfer.ts";
import { errorFromWire, errorToWire } from "../../src/storage/sqlite/writer/threadErrors.ts";
import { WriterChannel } from "../../src/storage/sqlite/writer/WriterChannel.ts";
import { collect } from "./storeHelpers.ts";
import { largeRun, smallRun } from "./syntheticRuns.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-writer-thread-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `catalog-${files++}.sqlite`);

/** Runs `sql` on a connection of its own to the catalog at `path` (as another program would). */
function execute(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** 45,000 single events: three slices of a put (BatchCollector takes 20,000 documents at a time). */
const threeSlices = () => smallRun({ plan_name: "slices" }, 45_000);

describe("SQLite writer thread", () => {
  for (const [where, seq] of [
    ["in the second of three slices (reported at the next lookup)", 30_000],
    ["in the last slice (reported at COMMIT)", 44_000],
  ] as const) {
    test(`a write refused by SQLite ${where} stores nothing and keeps SQLite's error`, async () => {
      const path = newFile();
      const store = new SqliteStore(path);
      try {
        execute(
          path,
          `CREATE TRIGGER refuse AFTER INSERT ON event_pages WHEN NEW.seq_first > ${seq}
             BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`,
        );
        await assert.rejects(store.put(threeSlices().documents), (error: Error) => {
          assert.ok(error instanceof Database.SqliteError, `${error.name}: ${error.message}`);
          assert.equal(error.code, "SQLITE_CONSTRAINT_TRIGGER");
          assert.equal(error.message, "refused by the test trigger");
          return true;
        });
        assert.equal(await store.count(), 0);
        // The writer is usable again: the rollback ended the failed transaction.
        const small = smallRun({ plan_name: "after" }, 5);
        assert.equal((await store.put(small.documents)).stored, small.documents.length);
        assert.deepEqual(await collect(store.documents(small.uid)), small.documents);
      } finally {
        await store.close();
      }
    });
  }

  test("a store waiting for another connection's write lock does not hold up another store", async () => {
    const lockedPath = newFile();
    const locked = new SqliteStore(lockedPath);
    const free = new SqliteStore(newFile());
    const holder = new Database(lockedPath);
    try {
      holder.exec("BEGIN IMMEDIATE");
      const waiting = smallRun({ plan_name: "waiting" });
      let waited = false;
      const pending = locked.put(waiting.documents).then((report) => {
        waited = true;
        return report;
      });
      const other = smallRun({ plan_name: "free" });
      assert.equal((await free.put(other.documents)).stored, other.documents.length);
      assert.equal(waited, false);
      holder.exec("COMMIT");
      assert.equal((await pending).stored, waiting.documents.length);
      assert.deepEqual(await collect(locked.documents(waiting.uid)), waiting.documents);
    } finally {
      if (holder.inTransaction) holder.exec("ROLLBACK");
      holder.close();
      await locked.close();
      await free.close();
    }
  });

  test("a thread that dies fails the put it was serving; the next put starts a new thread", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    const holder = new Database(path);
    try {
      // The put waits for the lock in the thread (an outstanding request) when the thread ends.
      holder.exec("BEGIN IMMEDIATE");
      const lost = smallRun({ plan_name: "lost" });
      const pending = store.put(lost.documents);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await WriterChannel.shared().terminate();
      await assert.rejects(pending, /^Error: the SQLite writer thread exited \(code 1\) before answering$/);
      holder.exec("ROLLBACK");
      const kept = smallRun({ plan_name: "kept" });
      assert.equal((await store.put(kept.documents)).stored, kept.documents.length);
      assert.equal(await store.count(), 1);
      assert.deepEqual(await collect(store.documents(kept.uid)), kept.documents);
    } finally {
      if (holder.inTransaction) holder.exec("ROLLBACK");
      holder.close();
      await store.close();
    }
  });

  test("a thread that dies between two slices fails the rest of the put, which leaves nothing", async () => {
    const store = new SqliteStore(newFile());
    try {
      const { documents } = threeSlices();
      let terminated = false;
      async function* endingMidway(): AsyncGenerator<DocumentPair> {
        for (const [i, pair] of documents.entries()) {
          // Past the first slice: written in the open transaction by now.
          if (i === 30_000) {
            await WriterChannel.shared().terminate();
            terminated = true;
          }
          yield pair;
        }
      }
      await assert.rejects(store.put(endingMidway()), /the SQLite writer thread exited/);
      assert.ok(terminated);
      assert.equal(await store.count(), 0);
      assert.equal((await store.put(documents)).stored, documents.length);
      assert.equal(await store.count(), 1);
    } finally {
      await store.close();
    }
  });

  test("a large commit is checkpointed after its answer: the WAL starts over for the next put", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    try {
      // About 40 MB of pages: past the bytes that make a checkpoint due.
      await store.put(largeRun(500, 1000).documents);
      // Queued behind that checkpoint in the thread, so it finds the WAL copied back and restarts it.
      await store.put(smallRun({ plan_name: "next" }).documents);
      const db = new Database(path);
      try {
        const [result] = db.pragma("wal_checkpoint(PASSIVE)") as Array<{ log: number }>;
        // The large put alone wrote hundreds of 64 kB frames; the small one a few dozen at most.
        assert.ok(result.log < 100, `${result.log} frames in the WAL`);
      } finally {
        db.close();
      }
      assert.equal(await store.count(), 2);
    } finally {
      await store.close();
    }
  });
  /** The process's open descriptors of `file` (the writer thread is in this process). */
  function descriptorsOf(file: string): string[] {
    return readdirSync("/proc/self/fd")
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return "";
        }
      })
      .filter((target) => target === file);
  }

  /**
   * The descriptors of `file` once they come down to `expected`, or after 5 s: the checkpoint that follows a
   * put runs off the put's path and holds the WAL open for a moment (a leak never comes down).
   */
  async function settledDescriptors(file: string, expected: number): Promise<number> {
    const until = performance.now() + 5_000;
    let count = descriptorsOf(file).length;
    while (count !== expected && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      count = descriptorsOf(file).length;
    }
    return count;
  }

  test("a large put's WAL is flushed as it grows; the flush's descriptor is closed by COMMIT and ROLLBACK", async () => {
    const path = newFile();
    const store = new SqliteStore(path);
    try {
      // SQLite's own connections keep the WAL open: what a small put leaves is the count to keep.
      await store.put(smallRun({ plan_name: "small" }).documents);
      const sqlites = descriptorsOf(`${path}-wal`).length;
      // About 40 MB of pages: past the bytes after which the WAL is flushed during the transaction.
      const run = largeRun(500, 1000).documents;
      const report = await store.put(run);
      assert.equal(report.events, 500_000);
      assert.equal(await settledDescriptors(`${path}-wal`, sqlites), sqlites);
      // A run of two slices (80 MB) whose last document repeats its first page's uids: refused after the first
      // slice was written and flushed, so the flush's descriptor is closed by the ROLLBACK.
      const bad = largeRun(1000, 1000).documents;
      bad.push(bad.find(([name]) => name === "event_page") as DocumentPair);
      await assert.rejects(store.put(bad), ValidationError);
      assert.equal(await settledDescriptors(`${path}-wal`, sqlites), sqlites);
      assert.equal(await store.count(), 2);
      assert.equal(
        (await collect(store.documents(report.runs[0]))).length,
        run.length,
        "the first run reads back whole",
      );
    } finally {
      await store.close();
    }
  });
});

describe("what crosses to the writer thread", () => {
  /** Posts `value` through a real MessageChannel (as to a worker) and returns what arrives. */
  async function posted<T>(value: T): Promise<T> {
    const { port1, port2 }: { port1: MessagePort; port2: MessagePort } = new MessageChannel();
    try {
      const arrived = new Promise<T>((resolve) => port2.once("message", resolve));
      port1.postMessage(value);
      return await arrived;
    } finally {
      port1.close();
      port2.close();
    }
  }

  test("a batch's bytes travel in shared memory: pages where they were encoded, other bytes as copies", async () => {
    // The arena of a batch's pages, as the ingest makes it: shared memory from the page pool.
    const arena = new BufferArena(64 * 1024, pagePool);
    const sixteen = Array.from({ length: 16 }, (_, i) => i + 1);
    const seqNums = arena.bytes(16);
    seqNums.set(sixteen);
    // A small Buffer lives in Node's shared 8 kB slab; a caller's array must not be detached either.
    const body = Buffer.from("a document body");
    const callers = new Float64Array([1.5, -0]);
    const column = new Uint8Array(callers.buffer);
    const prepared: PreparedBatch = {
      documents: [{ uid: "u", name: "start", run: "u", parent: null, doc: { uid: "u" }, body }],
      eventPages: [
        {
          pageNo: 0,
          descriptor: "d",
          origin: "event_page",
          length: 2,
          seqFirst: 1,
          seqLast: 2,
          timeFirst: 0,
          timeLast: 0,
          uids: new Uint8Array(0),
          seqNums,
          times: column,
          hasFilled: false,
          columns: [{ role: "data", key: "x", encoding: "float64", shape: [2], bytes: column, stats: null }],
        },
      ],
      datumPages: [],
      logs: [],
      streamCounts: [],
      fieldStats: [],
    };
    const { batch, chunks } = postableBatch(prepared);
    // The views not in shared memory are copied into the chunks, packed: 15 + 16 + 16 bytes in one.
    assert.equal(chunks.length, 1);
    const page = batch.eventPages[0];
    for (const view of [batch.documents[0].body, page.times, page.columns[0].bytes])
      assert.equal(view.buffer, chunks[0]);
    // The arena's view is in shared memory already: it travels as it is.
    assert.equal(page.seqNums, seqNums);
    const arrived = await posted(batch);
    assert.equal(Buffer.from(arrived.documents[0].body).toString(), "a document body");
    assert.deepEqual([...arrived.eventPages[0].seqNums], sixteen);
    assert.deepEqual(new Float64Array(arrived.eventPages[0].columns[0].bytes.slice().buffer), callers);
    // The receiver reads the same memory: nothing was cloned, so a change here shows there (which is why
    // the arena goes back to the pool only once the thread has answered the write).
    page.seqNums[0] = 99;
    assert.equal(arrived.eventPages[0].seqNums[0], 99);
    page.times[0] = 7;
    assert.equal(arrived.eventPages[0].times[0], 7);
    // The caller's own buffers are untouched and still usable.
    assert.equal(body.toString(), "a document body");
    assert.deepEqual([...callers], [1.5, -0]);
    arena.release();
  });

  test("errors come back as their own classes, with their codes and findings", () => {
    const finding = { doc_index: 3, name: "event", path: "seq_num", rule: "type", message: "not a number" };
    const validation = errorFromWire(errorToWire(new ValidationError("batch rejected", [finding])));
    assert.ok(validation instanceof ValidationError);
    assert.deepEqual(validation.findings, [finding]);
    assert.equal(validation.message, "batch rejected");
    assert.ok(errorFromWire(errorToWire(new ConflictError("uid taken"))) instanceof ConflictError);
    const unreadable = errorFromWire(errorToWire(new UnreadableError("run.jsonl", "line 7", "bad JSON")));
    assert.ok(unreadable instanceof UnreadableError);
    assert.equal(unreadable.message, "run.jsonl: line 7: bad JSON");
    assert.equal(unreadable.location, "line 7");
    const busy = errorFromWire(errorToWire(new Database.SqliteError("database is locked", "SQLITE_BUSY")));
    assert.ok(busy instanceof Database.SqliteError);
    assert.equal((busy as Error & { code: string }).code, "SQLITE_BUSY");
    const other = errorFromWire(errorToWire(new RangeError("too far")));
    assert.equal(other.name, "RangeError");
    assert.equal(other.message, "too far");
    assert.match(other.stack ?? "", /in the SQLite writer thread/);
  });
});
