// RunWriter against a real `databroker serve` child process on a temp SQLite catalog: many small writes
// arrive complete and in order; a kill -9 of the server mid-run and its restart on the same catalog and port
// lose and duplicate nothing; answers lost after the server stored a batch are retried and come back
// skipped; 503/502/429 are retried and exhausted retries fail clearly; a 422 rejects with the server's
// finding and is not retried; maxQueued holds writes back. Also:
// one-event POSTs and one batched POST store identical runs, and re-POSTing stored documents is skipped.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RunWriter } from "../../src/client/RunWriter.ts";
import { parseJson } from "../../src/documents/formats/parseJson.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import { postDocuments, startTestServer, TEST_KEY } from "../server/ingestServer.ts";
import { liveRun } from "../support/liveProducer.ts";
import { FaultProxy, RestartableServer, WRITER_KEY } from "./restartableServer.ts";

/** A run of `events` single events with two float fields, start to stop. */
function runOf(scanId: number, events: number): DocumentPair[] {
  return liveRun(events, { plan_name: "count", scan_id: scanId }).documents;
}

function uidOf(pairs: DocumentPair[]): string {
  return (pairs[0][1] as { uid: string }).uid;
}

const RECORD_SEPARATOR = String.fromCharCode(0x1e);

/** The run's documents as the server replays them (GET /api/v1/documents/<uid>, json-seq). */
async function replay(url: string, uid: string, key: string): Promise<DocumentPair[]> {
  const response = await fetch(`${url}/api/v1/documents/${uid}`, {
    headers: { authorization: `Apikey ${key}` },
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text
    .split("\n")
    .map((line) => line.replaceAll(RECORD_SEPARATOR, "").trim())
    .filter((line) => line !== "")
    .map((line) => {
      const { name, doc } = parseJson(line) as { name: DocumentPair[0]; doc: DocumentPair[1] };
      return [name, doc] as DocumentPair;
    });
}

/** How many times each seq_num of the run's events was stored (event_pages counted row by row). */
function seqCounts(documents: DocumentPair[]): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (seq: number) => counts.set(seq, (counts.get(seq) ?? 0) + 1);
  for (const [name, doc] of documents) {
    if (name === "event") add((doc as { seq_num: number }).seq_num);
    if (name === "event_page") for (const seq of (doc as { seq_num: number[] }).seq_num) add(seq);
  }
  return counts;
}

function assertEachSeqOnce(documents: DocumentPair[], events: number): void {
  const counts = seqCounts(documents);
  const wrong = [...counts].filter(([, n]) => n !== 1);
  assert.deepEqual(wrong, [], "seq_nums stored more than once");
  const missing = Array.from({ length: events }, (_, i) => i + 1).filter((seq) => !counts.has(seq));
  assert.deepEqual(missing, [], "seq_nums lost");
  assert.equal(counts.size, events);
}

async function writeAll(writer: RunWriter, pairs: DocumentPair[]): Promise<void> {
  for (const [name, doc] of pairs) await writer.write(name, doc);
}

describe("RunWriter against databroker serve", () => {
  let dir: string;
  let server: RestartableServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "databroker-run-writer-"));
    server = await RestartableServer.start(join(dir, "catalog.sqlite"));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a run written one document at a time arrives complete and in order", async () => {
    const pairs = runOf(1, 1_000);
    const writer = new RunWriter(server.url, { apiKey: WRITER_KEY, batchDocuments: 64, batchDelayMs: 5 });
    await writeAll(writer, pairs);
    await writer.close();
    assert.deepEqual(await replay(server.url, uidOf(pairs), WRITER_KEY), pairs);
    const totals = writer.totals;
    assert.equal(totals.documents, pairs.length);
    assert.equal(totals.stored, pairs.length);
    assert.ok(totals.batches >= Math.ceil(pairs.length / 64), `${totals.batches} batches of at most 64`);
    await assert.rejects(writer.write("stop", {}), /write after close/);
  });

  test("kill -9 of the server mid-run, restart on the same catalog and port: nothing lost or doubled", async () => {
    const events = 3_000;
    const pairs = runOf(2, events);
    const writer = new RunWriter(server.url, {
      apiKey: WRITER_KEY,
      batchDocuments: 100,
      batchDelayMs: 5,
      maxBackoffMs: 200,
    });
    await writeAll(writer, pairs.slice(0, 1_000));
    await writer.flush();
    // Killed with a batch possibly in flight; the writer keeps writing while the server is down.
    const writing = writeAll(writer, pairs.slice(1_000, 2_000));
    await server.kill();
    await writing;
    const restarted = server.restart();
    await writeAll(writer, pairs.slice(2_000));
    await restarted;
    await writer.close();

    const stored = await replay(server.url, uidOf(pairs), WRITER_KEY);
    assertEachSeqOnce(stored, events);
    assert.deepEqual(stored, pairs);
    assert.equal(writer.totals.documents, pairs.length);
    assert.ok(writer.totals.retries > 0, "the writer retried while the server was down");
    console.log(`kill -9 run: ${JSON.stringify(writer.totals)}`);
  });

  test("answers lost after the batch was stored: retried, reported skipped, stored once", async () => {
    const proxy = await FaultProxy.start(server.url);
    try {
      const pairs = runOf(3, 500);
      const writer = new RunWriter(proxy.url, {
        apiKey: WRITER_KEY,
        batchDocuments: 50,
        batchDelayMs: 5,
        maxBackoffMs: 50,
      });
      await writeAll(writer, pairs.slice(0, 200));
      await writer.flush();
      proxy.dropAnswers(2);
      await writeAll(writer, pairs.slice(200));
      await writer.close();

      const stored = await replay(server.url, uidOf(pairs), WRITER_KEY);
      assert.deepEqual(stored, pairs);
      assertEachSeqOnce(stored, 500);
      const totals = writer.totals;
      assert.equal(totals.retries, 2);
      assert.ok(totals.skipped > 0, "the re-sent batch was found stored");
      assert.equal(totals.stored + totals.skipped, pairs.length);
      assert.equal(totals.stored, pairs.length - totals.skipped);
    } finally {
      await proxy.close();
    }
  });

  test("503, 502 and 429 answers are retried with the same batch; the run arrives once", async () => {
    const proxy = await FaultProxy.start(server.url);
    try {
      const pairs = runOf(7, 300);
      const writer = new RunWriter(proxy.url, { apiKey: WRITER_KEY, batchDocuments: 100, maxBackoffMs: 20 });
      proxy.refuse(503, 502, 429);
      await writeAll(writer, pairs);
      await writer.close();
      assert.deepEqual(proxy.statuses.slice(0, 3), [503, 502, 429]);
      assert.equal(writer.totals.retries, 3);
      assert.equal(writer.totals.stored, pairs.length);
      assert.deepEqual(await replay(server.url, uidOf(pairs), WRITER_KEY), pairs);
    } finally {
      await proxy.close();
    }
  });

  test("retries that run out (retryForMs) reject flush() with the last problem named", async () => {
    const proxy = await FaultProxy.start(server.url);
    try {
      const writer = new RunWriter(proxy.url, {
        apiKey: WRITER_KEY,
        retryForMs: 200,
        backoffMs: 10,
        maxBackoffMs: 20,
      });
      proxy.refuse(...Array.from({ length: 1000 }, () => 503));
      await writer.write(...(runOf(8, 1)[0] as [string, object]));
      await assert.rejects(
        writer.flush(),
        /failed \d+ times .*retryForMs 200.*HTTP 503: .*refused by the test proxy/,
      );
      assert.equal(writer.pending, 1, "the document is still unacknowledged");
    } finally {
      await proxy.close();
    }
  });

  test("a 422 rejects flush() and later writes with the server's finding and is not retried", async () => {
    const proxy = await FaultProxy.start(server.url);
    try {
      const writer = new RunWriter(proxy.url, { apiKey: WRITER_KEY, batchDelayMs: 5 });
      await writer.write("start", { uid: "bad-start", time: "yesterday" });
      const refusal = await writer.flush().then(
        () => assert.fail("flush should reject"),
        (error: unknown) => error,
      );
      assert.ok(refusal instanceof ValidationError, String(refusal));
      assert.match(refusal.message, /time/);
      assert.ok(refusal.findings.length > 0, "the server's findings travel with the error");
      assert.deepEqual(proxy.statuses, [422], "sent once, not retried");
      assert.equal(writer.totals.retries, 0);
      await assert.rejects(
        writer.write("stop", { uid: "s", run_start: "bad-start", time: 1 }),
        (error) => error === refusal,
      );
      await assert.rejects(writer.close(), (error) => error === refusal);
    } finally {
      await proxy.close();
    }
  });

  test("maxQueued holds writes back until the server acknowledges", async () => {
    const proxy = await FaultProxy.start(server.url);
    try {
      const pairs = runOf(4, 300);
      const writer = new RunWriter(proxy.url, {
        apiKey: WRITER_KEY,
        batchDocuments: 10,
        batchDelayMs: 5,
        maxQueued: 100,
      });
      proxy.hold();
      await writeAll(writer, pairs.slice(0, 100));
      assert.equal(writer.pending, 100);
      let admitted = false;
      const next = writer.write(pairs[100][0], pairs[100][1]).then(() => {
        admitted = true;
      });
      await proxy.holding(1);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(admitted, false, "the 101st write waits while 100 are unacknowledged");
      assert.equal(writer.pending, 101);
      proxy.release();
      await next;
      await writeAll(writer, pairs.slice(101));
      await writer.close();
      assert.deepEqual(await replay(server.url, uidOf(pairs), WRITER_KEY), pairs);
    } finally {
      await proxy.close();
    }
  });

  test("bad arguments are refused at once", async () => {
    const writer = new RunWriter(server.url, { apiKey: WRITER_KEY });
    await assert.rejects(writer.write("evnt", {}), /"evnt" is not a document name/);
    await assert.rejects(writer.write("event", [] as never), /must be an object/);
    assert.throws(() => new RunWriter(server.url, { batchDocuments: 0 }), /batchDocuments must be > 0/);
    await writer.close();
  });
});

describe("small POSTs and batched POSTs", () => {
  test("one-event POSTs and one batched POST store identical runs; a repeat is skipped", async () => {
    const pairs = runOf(5, 200);
    const one = await startTestServer();
    const batched = await startTestServer();
    try {
      for (const pair of pairs) {
        const answer = await postDocuments(one, JSON.stringify([pair]), "application/json");
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
      }
      const whole = await postDocuments(batched, JSON.stringify(pairs), "application/json");
      assert.equal(whole.status, 200, JSON.stringify(whole.body));
      assert.equal(whole.body.stored, pairs.length);
      const fromOne = await replay(one.url, uidOf(pairs), TEST_KEY);
      assert.deepEqual(fromOne, await replay(batched.url, uidOf(pairs), TEST_KEY));
      assert.deepEqual(fromOne, pairs);

      // Stored wholly or partly before: what is stored is skipped, the rest stored, nothing doubled.
      const again = await postDocuments(one, JSON.stringify(pairs.slice(0, 150)), "application/json");
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual([again.body.stored, again.body.skipped], [0, 150]);
      const more = runOf(6, 10);
      const partly = await postDocuments(
        batched,
        JSON.stringify([...pairs.slice(100), ...more]),
        "application/json",
      );
      assert.equal(partly.status, 200, JSON.stringify(partly.body));
      assert.deepEqual([partly.body.stored, partly.body.skipped], [more.length, pairs.length - 100]);
      assertEachSeqOnce(await replay(batched.url, uidOf(pairs), TEST_KEY), 200);
    } finally {
      await one.close();
      await batched.close();
    }
  });
});
