// Small POSTs against a real `databroker serve` on a temp SQLite catalog: a run of N events sent as one POST
// per event (sequential, keep-alive, as a producer streaming a scan does) against the same events in one
// POST, per-POST latency p50/p99, 4 producers posting one event at a time concurrently, and the same run
// through a RunWriter written one document at a time (the client that batches them).
// DATABROKER_BENCH_SMALL_POSTS=N sets N (default 2,000).
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { RunWriter } from "../src/client/RunWriter.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { spawnServer } from "../test/server/serveProcess.ts";
import { liveRun } from "../test/support/liveProducer.ts";

const EVENTS = Number(process.env.DATABROKER_BENCH_SMALL_POSTS ?? 2_000);
const PRODUCERS = 4;
const API_KEY = "small_posts_bench_key_0123456789";

/** A run of `events` single events with two float fields, start to stop. */
function runOf(scanId: number, events: number): DocumentPair[] {
  return liveRun(events, { plan_name: "count", scan_id: scanId }).documents;
}

const agent = new Agent({ keepAlive: true, maxSockets: PRODUCERS });

/** One POST of `pairs` as JSON; resolves with its latency in ms, rejects on anything but 200. */
function post(url: string, pairs: DocumentPair[]): Promise<number> {
  const body = JSON.stringify(pairs);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/documents/`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Apikey ${API_KEY}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          if (response.statusCode === 200) resolve(performance.now() - t0);
          else reject(new Error(`POST answered ${response.statusCode}: ${text}`));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Posts every document of `pairs` alone, in order; returns each POST's latency. */
async function onePerPost(url: string, pairs: DocumentPair[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const pair of pairs) latencies.push(await post(url, [pair]));
  return latencies;
}

const rate = (docs: number, ms: number) => `${Math.round((docs * 1000) / ms).toLocaleString("en")} docs/s`;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-small-posts-"));
  const server = await spawnServer(["serve", "--catalog", join(dir, "catalog.sqlite"), "--api-key", API_KEY]);
  try {
    // Warm-up: the server's first requests compile code paths and prepare statements.
    await onePerPost(server.url, runOf(0, 200));

    const single = runOf(1, EVENTS);
    let t0 = performance.now();
    const latencies = await onePerPost(server.url, single);
    const singleMs = performance.now() - t0;

    const batched = runOf(2, EVENTS);
    t0 = performance.now();
    const batchMs = await post(server.url, batched);
    const wholeMs = performance.now() - t0;

    const producers = Array.from({ length: PRODUCERS }, (_, i) => runOf(3 + i, EVENTS / PRODUCERS));
    const concurrentDocs = producers.reduce((sum, pairs) => sum + pairs.length, 0);
    t0 = performance.now();
    const concurrent = (await Promise.all(producers.map((pairs) => onePerPost(server.url, pairs)))).flat();
    const concurrentMs = performance.now() - t0;

    const streamed = runOf(3 + PRODUCERS, EVENTS);
    const writer = new RunWriter(server.url, { apiKey: API_KEY });
    t0 = performance.now();
    for (const [name, doc] of streamed) await writer.write(name, doc);
    await writer.close();
    const writerMs = performance.now() - t0;

    latencies.sort((a, b) => a - b);
    concurrent.sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    console.log(
      `one-event POSTs, sequential: ${single.length} POSTs in ${ms(singleMs)}: ${rate(single.length, singleMs)}, ` +
        `latency p50 ${ms(percentile(latencies, 50))} p99 ${ms(percentile(latencies, 99))}`,
    );
    console.log(
      `same run in one POST: ${batched.length} docs in ${ms(wholeMs)} (answered in ${ms(batchMs)}): ` +
        `${rate(batched.length, wholeMs)} | one-event POSTs / one POST: ${(wholeMs / singleMs).toFixed(3)}x`,
    );
    console.log(
      `${PRODUCERS} producers, one-event POSTs: ${concurrentDocs} POSTs in ${ms(concurrentMs)}: ` +
        `${rate(concurrentDocs, concurrentMs)}, latency p50 ${ms(percentile(concurrent, 50))} ` +
        `p99 ${ms(percentile(concurrent, 99))}`,
    );
    console.log(
      `RunWriter, one write() per document: ${streamed.length} docs in ${ms(writerMs)}: ` +
        `${rate(streamed.length, writerMs)} in ${writer.totals.batches} POSTs`,
    );
  } finally {
    agent.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
