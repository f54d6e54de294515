// Live data: how long a document POSTed alone takes to reach the followers of its run, with a producer at
// up to 1 kHz (one event per request) and LIVE_BENCH_SUBSCRIBERS followers (50) in another process, over a
// real `databroker serve` on a SQLite file. Baseline in the same run: the POST's own round trip. Reported:
// ack-to-subscriber (from the POST's answer to a follower's receipt; negative when the follower had it first)
// and send-to-subscriber, p50/p99 over every (event, follower). LIVE_BENCH_EVENTS (10,000) sets the size.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServer } from "../test/server/serveProcess.ts";
import { liveRun, postDocuments, produce } from "../test/support/liveProducer.ts";

const KEY = "live_bench_key_0123456789";

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
  return `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`;
}

export async function run(): Promise<void> {
  const events = Number(process.env.LIVE_BENCH_EVENTS ?? 10_000);
  const subscribers = Number(process.env.LIVE_BENCH_SUBSCRIBERS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), "databroker-live-bench-"));
  const server = await spawnServer(["serve", "--catalog", join(dir, "live.db"), "--api-key", KEY]);
  try {
    const api = `${server.url}/api/v1`;
    const { uid, documents } = liveRun(events);
    await postDocuments(api, KEY, documents.slice(0, 2));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        new URL("./liveSubscribers.ts", import.meta.url).pathname,
        server.url,
        KEY,
        uid,
        String(subscribers),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
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
    const acked: number[] = [];
    const now = () => performance.timeOrigin + performance.now();
    const started = performance.now();
    // Documents 3.. are the events and the stop: seq = index + 3.
    await produce(api, KEY, documents.slice(2), {
      perSecond: 1000,
      before: (i) => {
        sent[i + 3] = now();
        return undefined;
      },
      acked: (i) => {
        acked[i + 3] = now();
      },
    });
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => child.once("exit", resolve));
    const received = JSON.parse(output) as number[][];
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    const roundTrips: number[] = [];
    for (let seq = 3; seq < documents.length + 1; seq++) {
      roundTrips.push(acked[seq] - sent[seq]);
      for (const time of received[seq] ?? []) {
        fromAck.push(time - acked[seq]);
        fromSend.push(time - sent[seq]);
      }
    }
    const expected = (documents.length - 2) * subscribers;
    console.log(
      `producer: ${documents.length - 2} one-document POSTs in ${seconds.toFixed(1)} s (${((documents.length - 2) / seconds).toFixed(0)}/s, asked 1000/s); ` +
        `${subscribers} followers received ${fromAck.length} of ${expected}`,
    );
    console.log(`baseline, the POST's round trip: ${percentiles(roundTrips)}`);
    console.log(`ack-to-subscriber: ${percentiles(fromAck)}`);
    console.log(`send-to-subscriber: ${percentiles(fromSend)}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
