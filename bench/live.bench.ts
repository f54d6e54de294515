// Live data: how long a stored document takes to reach the followers of its run, with
// LIVE_BENCH_SUBSCRIBERS followers (50) in another process (their parsing must not delay the producer's
// clock), over a real `databroker serve` on a SQLite file. Two producers, LIVE_BENCH_EVENTS events (10,000):
// - one event per POST, at most 1 kHz: baseline in the same run is the POST's own round trip; reported are
//   ack-to-subscriber (from the POST's answer to a follower's receipt; negative when the follower had it
//   first) and send-to-subscriber;
// - a RunWriter fed one event every millisecond (1 kHz, batched by the writer): write-to-subscriber.
// Percentiles are over every (event, follower).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunWriter } from "../src/client/RunWriter.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { type ServedProcess, spawnServer } from "../test/server/serveProcess.ts";
import { liveRun, postDocuments, produce } from "../test/support/liveProducer.ts";

const KEY = "live_bench_key_0123456789";
const now = () => performance.timeOrigin + performance.now();

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
  return `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`;
}

/**
 * Starts the followers of a new run (its start and descriptor stored), runs `producer` on the rest of its
 * documents (it records `sent[seq]`), and answers each follower's receipt times by seq.
 */
async function followedWhile(
  server: ServedProcess,
  events: number,
  subscribers: number,
  producer: (documents: DocumentPair[], sent: number[]) => Promise<void>,
): Promise<{ received: number[][]; sent: number[]; documents: DocumentPair[]; seconds: number }> {
  const { uid, documents } = liveRun(events);
  await postDocuments(`${server.url}/api/v1`, KEY, documents.slice(0, 2));
  const script = new URL("./liveSubscribers.ts", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, server.url, KEY, uid, String(subscribers)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (chunk) => String(chunk).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`subscribers exited (${code})`)));
  });
  const sent: number[] = [];
  const started = performance.now();
  await producer(documents.slice(2), sent);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => child.once("exit", resolve));
  return { received: JSON.parse(output) as number[][], sent, documents, seconds };
}

/** Each (document, follower) receipt time minus `from[seq]`, for the produced documents (seq 3 on). */
function delays(received: number[][], from: number[], documents: DocumentPair[]): number[] {
  const out: number[] = [];
  for (let seq = 3; seq <= documents.length; seq++)
    for (const time of received[seq] ?? []) out.push(time - from[seq]);
  return out;
}

export async function run(): Promise<void> {
  const events = Number(process.env.LIVE_BENCH_EVENTS ?? 10_000);
  const subscribers = Number(process.env.LIVE_BENCH_SUBSCRIBERS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), "databroker-live-bench-"));
  const server = await spawnServer(["serve", "--catalog", join(dir, "live.db"), "--api-key", KEY]);
  try {
    const api = `${server.url}/api/v1`;
    // Documents 3.. are the events and the stop: seq = index + 3.
    const acked: number[] = [];
    const posted = await followedWhile(server, events, subscribers, (documents, sent) =>
      produce(api, KEY, documents, {
        perSecond: 1000,
        before: (i) => {
          sent[i + 3] = now();
          return undefined;
        },
        acked: (i) => {
          acked[i + 3] = now();
        },
      }),
    );
    const n = posted.documents.length - 2;
    const fromAck = delays(posted.received, acked, posted.documents);
    console.log(
      `one event per POST: ${n} POSTs in ${posted.seconds.toFixed(1)} s (${(n / posted.seconds).toFixed(0)}/s, asked 1000/s); ` +
        `${subscribers} followers received ${fromAck.length} of ${n * subscribers}`,
    );
    const roundTrips = acked.map((time, seq) => time - posted.sent[seq]).filter((ms) => !Number.isNaN(ms));
    console.log(`  baseline, the POST's round trip: ${percentiles(roundTrips)}`);
    console.log(`  ack-to-subscriber: ${percentiles(fromAck)}`);
    console.log(
      `  send-to-subscriber: ${percentiles(delays(posted.received, posted.sent, posted.documents))}`,
    );

    const written = await followedWhile(server, events, subscribers, async (documents, sent) => {
      const writer = new RunWriter(server.url, { apiKey: KEY });
      const started = performance.now();
      for (const [i, [name, doc]] of documents.entries()) {
        const early = started + i - performance.now();
        if (early > 1) await new Promise((resolve) => setTimeout(resolve, early));
        sent[i + 3] = now();
        await writer.write(name, doc);
      }
      await writer.close();
    });
    const fromWrite = delays(written.received, written.sent, written.documents);
    console.log(
      `RunWriter at 1 kHz: ${n} events in ${written.seconds.toFixed(1)} s (${(n / written.seconds).toFixed(0)}/s); ` +
        `${subscribers} followers received ${fromWrite.length} of ${n * subscribers}`,
    );
    console.log(`  write-to-subscriber (batched every 50 ms by the writer): ${percentiles(fromWrite)}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
