// A load test over real HTTP: a `databroker serve` process on a SQLite catalog of real runs plus one large
// synthetic stream; for a bounded time, concurrent clients read search pages, small streams as CSV and the
// large stream as Arrow while one writer POSTs small runs. Every answer must be a complete 200; req/s and
// p50/p99 per kind are printed (never asserted), and the server's RSS must not keep growing. Then clients
// that abort a large Arrow download after its first chunk, many times, must leave the server answering and
// its memory settled.
//
// Small by default (about 20 s of load, 50 clients, 200k rows); larger with DATABROKER_LOAD_SECONDS,
// DATABROKER_LOAD_CLIENTS, DATABROKER_LOAD_ROWS and DATABROKER_LOAD_ABORTS.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { tableFromIPC } from "apache-arrow";
import { composeRun } from "../../src/documents/compose.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { type ServedProcess, spawnServer } from "../server/serveProcess.ts";
import { dataPath } from "../support/sharedData.ts";

const KEY = "load_test_key_0123456789abcdef";
const SECONDS = Number(process.env.DATABROKER_LOAD_SECONDS ?? 20);
const CLIENTS = Number(process.env.DATABROKER_LOAD_CLIENTS ?? 50);
const ROWS = Number(process.env.DATABROKER_LOAD_ROWS ?? 200_000);
const ABORTS = Number(process.env.DATABROKER_LOAD_ABORTS ?? 60);
const COLUMNS = ["a", "b", "c", "d", "e"];
const LARGE_UID = "load-large-run-0001";
const MB = 1024 * 1024;
/** Real runs served (the pack is left out: its external files need a root map the command line is not given). */
const SOURCES = [
  "apstools/tests/apstools.json",
  "apstools/tests/usaxs.json",
  "bluesky-tutorials/example_data",
];

type Kind = "search" | "csv" | "arrow" | "write";

/** A run of small single-event primary stream: what the writer POSTs. */
function smallRun(index: number): DocumentPair[] {
  const run = composeRun({ plan_name: "load_write", scan_id: index, purpose: "load" });
  const primary = run.composeDescriptor({
    data_keys: {
      x: { dtype: "number", shape: [], source: "sim" },
      y: { dtype: "number", shape: [], source: "sim" },
    },
  });
  const pairs: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", primary.descriptor],
  ];
  for (let i = 0; i < 5; i++)
    pairs.push(["event", primary.composeEvent({ data: { x: i, y: i * 0.5 }, timestamps: { x: i, y: i } })]);
  pairs.push(["stop", run.composeStop()]);
  return pairs;
}

/** One run whose primary stream holds ROWS rows of 5 float64 columns, as event pages of 10,000 rows. */
function* largeRun(): Generator<DocumentPair> {
  const run = composeRun(
    { plan_name: "load_large", scan_id: 999_999 },
    { uid: LARGE_UID, time: 1_700_000_000 },
  );
  const data_keys = Object.fromEntries(
    COLUMNS.map((c) => [c, { dtype: "number" as const, shape: [], source: "sim" }]),
  );
  const primary = run.composeDescriptor({ data_keys, time: 1_700_000_000 });
  yield ["start", run.start];
  yield ["descriptor", primary.descriptor];
  const PAGE = 10_000;
  for (let from = 0; from < ROWS; from += PAGE) {
    const n = Math.min(PAGE, ROWS - from);
    const time = Array.from({ length: n }, (_, i) => 1_700_000_000 + (from + i) * 1e-3);
    const data: Record<string, number[]> = {};
    const timestamps: Record<string, number[]> = {};
    COLUMNS.forEach((c, k) => {
      data[c] = Array.from({ length: n }, (_, i) => Math.sin((from + i) * (k + 1)) * 1e3);
      timestamps[c] = time;
    });
    yield ["event_page", primary.composeEventPage({ data, timestamps, time })];
  }
  yield ["stop", run.composeStop({ time: 1_700_100_000 })];
}

/** CPU seconds (user + system) a process has used. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS of a process, in bytes. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

describe("load over real HTTP on a SQLite catalog", () => {
  const dir = mkdtempSync(join(tmpdir(), "databroker-load-"));
  const catalog = join(dir, "catalog.sqlite");
  /** Small streams to read as CSV: path and primary event count. */
  const small: Array<{ uid: string; events: number }> = [];
  let server: ServedProcess;
  let pid: number;
  const rssSamples: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  const headers = { authorization: `Apikey ${KEY}` };

  before(async () => {
    const t0 = performance.now();
    const store = await openStore(catalog);
    for (const source of SOURCES) {
      const pairs: DocumentPair[] = [];
      for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
      for (const run of splitRuns(pairs).runs) {
        await store.put(run.documents);
        const start = run.documents.find(([name]) => name === "start")?.[1] as { uid: string };
        const primary = new Set(
          run.documents
            .filter(([name, doc]) => name === "descriptor" && (doc as { name?: string }).name === "primary")
            .map(([, doc]) => (doc as { uid: string }).uid),
        );
        let events = 0;
        for (const [name, doc] of run.documents) {
          if (name === "event" && primary.has((doc as { descriptor: string }).descriptor)) events++;
          if (name === "event_page" && primary.has((doc as { descriptor: string }).descriptor))
            events += (doc as { seq_num: number[] }).seq_num.length;
        }
        // Streams with external keys are left out: their files (spec newton, ...) have no handler here.
        const external = run.documents.some(
          ([name, doc]) =>
            name === "descriptor" &&
            primary.has((doc as { uid: string }).uid) &&
            Object.values((doc as { data_keys: Record<string, { external?: string }> }).data_keys).some(
              (key) => key.external !== undefined,
            ),
        );
        if (!external && events > 0 && events <= 5_000) small.push({ uid: start.uid, events });
      }
    }
    const t1 = performance.now();
    await store.put(largeRun());
    await store.close();
    const t2 = performance.now();
    assert.ok(small.length >= 3, `real runs with a primary stream to read: ${small.length}`);
    server = await spawnServer(["serve", "--catalog", catalog, "--api-key", KEY], { DATABROKER_API_KEY: "" });
    pid = server.child.pid as number;
    const t3 = performance.now();
    console.log(
      `# setup: real runs stored in ${((t1 - t0) / 1e3).toFixed(1)} s, ${ROWS} rows in ${((t2 - t1) / 1e3).toFixed(1)} s, server ready in ${((t3 - t2) / 1e3).toFixed(1)} s`,
    );
    rssSamples.push(rssOf(pid));
    sampler = setInterval(() => rssSamples.push(rssOf(pid)), 1_000);
  });

  after(async () => {
    if (sampler) clearInterval(sampler);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One request of a kind, its body checked complete; throws a description of what was wrong. */
  async function request(kind: Kind, writes: number): Promise<void> {
    if (kind === "search") {
      const response = await fetch(`${server.url}/api/v1/search/?page[limit]=20`, { headers });
      const text = await response.text();
      assert.equal(response.status, 200, `search: ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as { data: unknown[] };
      assert.ok(body.data.length > 0 && body.data.length <= 20, `search page of ${body.data.length}`);
    } else if (kind === "csv") {
      const run = small[Math.floor(Math.random() * small.length)];
      const response = await fetch(
        `${server.url}/api/v1/table/full/${run.uid}/primary/data?format=text/csv`,
        { headers },
      );
      const text = await response.text();
      assert.equal(response.status, 200, `csv of ${run.uid}: ${text.slice(0, 300)}`);
      const lines = text.split("\n").filter((line) => line.length > 0);
      assert.equal(lines.length, run.events + 1, `csv rows of ${run.uid}`);
    } else if (kind === "arrow") {
      const response = await fetch(
        `${server.url}/api/v1/table/full/${LARGE_UID}/primary/data?format=application/vnd.apache.arrow.file`,
        { headers },
      );
      const body = new Uint8Array(await response.arrayBuffer());
      assert.equal(response.status, 200, `arrow: ${Buffer.from(body.slice(0, 300)).toString()}`);
      const table = tableFromIPC(body);
      assert.equal(table.numRows, ROWS, "arrow rows");
      assert.ok(
        COLUMNS.every((c) => table.getChild(c) !== null),
        "arrow columns",
      );
    } else {
      const response = await fetch(`${server.url}/api/v1/documents/`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(smallRun(writes)),
      });
      const text = await response.text();
      assert.equal(response.status, 200, `write: ${text.slice(0, 300)}`);
      assert.equal((JSON.parse(text) as { stored: number }).stored, 8);
    }
  }

  test(`${CLIENTS} readers and a writer for ${SECONDS} s: every answer a complete 200, RSS not growing`, async () => {
    const latencies: Record<Kind, number[]> = { search: [], csv: [], arrow: [], write: [] };
    const errors: string[] = [];
    const started = performance.now();
    const deadline = started + SECONDS * 1_000;
    const sampleFrom = rssSamples.length;
    const timed = async (kind: Kind, writes = 0) => {
      const t0 = performance.now();
      try {
        await request(kind, writes);
        latencies[kind].push(performance.now() - t0);
      } catch (error) {
        errors.push(`${kind}: ${(error as Error).message}`);
      }
    };
    const reader = async () => {
      while (performance.now() < deadline) {
        const r = Math.random();
        await timed(r < 0.5 ? "search" : r < 0.92 ? "csv" : "arrow");
      }
    };
    const writer = async () => {
      for (let i = 1; performance.now() < deadline; i++) await timed("write", i);
    };
    await Promise.all([writer(), ...Array.from({ length: CLIENTS }, reader)]);
    const seconds = (performance.now() - started) / 1_000;
    const total = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    console.log(
      `# load: ${CLIENTS} clients + 1 writer, ${seconds.toFixed(1)} s, ${total} requests, ${(total / seconds).toFixed(0)} req/s, ${errors.length} errors`,
    );
    for (const [kind, values] of Object.entries(latencies)) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(
        `#   ${kind}: ${values.length} (${(values.length / seconds).toFixed(1)}/s), p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p99 ${quantile(sorted, 0.99).toFixed(0)} ms`,
      );
    }
    // The first 2 s are warm-up (caches, the large stream's first reads), not growth.
    const samples = rssSamples.slice(sampleFrom + 2);
    samples.push(rssOf(pid));
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const first = mean(samples.slice(0, quarter));
    const last = mean(samples.slice(-quarter));
    console.log(
      `# load RSS: ${mb(rssSamples[0])} before the load, ${mb(samples.at(-1) as number)} at its end, peak ${mb(Math.max(...samples))}; first quarter mean ${mb(first)}, last quarter mean ${mb(last)}`,
    );
    for (const error of errors.slice(0, 5)) console.log(`# error: ${error.slice(0, 300)}`);
    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} errors`);
    for (const kind of ["search", "csv", "arrow", "write"] as Kind[])
      assert.ok(latencies[kind].length > 0, `no ${kind} request completed`);
    assert.ok(
      last <= 1.5 * first + 50 * MB,
      `RSS grew: ${mb(first)} in the first quarter, ${mb(last)} in the last`,
    );
  });

  test(`${ABORTS} clients that abort a large Arrow download after its first chunk leave the server well`, async () => {
    const before = rssOf(pid);
    const url = `${server.url}/api/v1/table/full/${LARGE_UID}/primary/data?format=application/vnd.apache.arrow.file`;
    // node:http: the socket is closed under the half-sent answer.
    const abortOne = () =>
      new Promise<void>((resolve, reject) => {
        const request = httpGet(url, { headers }, (response) => {
          if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
          response.once("data", (chunk: Buffer) => {
            if (chunk.length === 0) reject(new Error("an empty first chunk"));
            request.destroy();
            resolve();
          });
        });
        request.on("error", (error) => {
          if (!request.destroyed) reject(error);
        });
      });
    // fetch aborted: undici may leave a fresh connection behind that never sends a request (the server's
    // close must not wait on it: src/server/silentConnections.ts).
    const abortFetch = async () => {
      const controller = new AbortController();
      const response = await fetch(url, { headers, signal: controller.signal });
      assert.equal(response.status, 200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      assert.ok(!first.done && first.value.length > 0);
      controller.abort();
      await reader.cancel().catch(() => {});
    };
    // Ten at a time, so the server has several half-sent answers at once; both ways of going away.
    for (let i = 0; i < ABORTS; i += 10)
      await Promise.all(
        Array.from({ length: Math.min(10, ABORTS - i) }, (_, k) => (k % 2 === 0 ? abortOne() : abortFetch())),
      );
    // Still answering, without waiting behind the aborted responses (a hang bound, not a timing).
    const t0 = performance.now();
    const answer = await Promise.race([
      fetch(`${server.url}/api/v1/search/?page[limit]=20`, { headers }),
      sleep(10_000).then(() => assert.fail("the server does not answer 10 s after the aborted downloads")),
    ]);
    assert.equal(answer.status, 200);
    await answer.text();
    const answeredMs = performance.now() - t0;
    await request("arrow", 0); // a whole download still completes
    // Memory settles: give the server a few seconds, then compare with before the aborts.
    let settled = rssOf(pid);
    for (let i = 0; i < 10 && settled > 1.5 * before + 50 * MB; i++) {
      await sleep(1_000);
      settled = rssOf(pid);
    }
    const cpu0 = cpuOf(pid);
    await sleep(3_000);
    const idleCpu = (cpuOf(pid) - cpu0) / 3;
    console.log(`# aborts: server CPU while idle after them ${(idleCpu * 100).toFixed(0)} %`);
    console.log(
      `# aborts: ${ABORTS} aborted Arrow downloads; search answered in ${answeredMs.toFixed(0)} ms after; RSS ${mb(before)} before, ${mb(settled)} after (start of test file ${mb(rssSamples[0])})`,
    );
    assert.ok(settled <= 1.5 * before + 50 * MB, `RSS after aborts ${mb(settled)}, before ${mb(before)}`);
  });

  test("after it all, SIGTERM closes the server cleanly, without waiting on connections left silent", async () => {
    if (sampler) clearInterval(sampler);
    const t0 = performance.now();
    const code = await Promise.race([
      server.stop(),
      sleep(30_000).then(() => assert.fail("the server has not exited 30 s after SIGTERM")),
    ]);
    console.log(`# stop: exit code ${code} after ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
    assert.equal(code, 0);
  });
});
