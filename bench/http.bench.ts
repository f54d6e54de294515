// The HTTP read API over loopback: a 1,000,000-event x 10-field stream as Arrow (against a plain `net` socket
// sending the same bytes), /search latency among 100,000 runs (against the same Broker call in process), and
// 50 concurrent clients reading streams (requests/s, p99).
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Broker } from "../src/broker/index.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { queryFromTiledParams } from "../src/queries/index.ts";
import { createServer } from "../src/server/app.ts";
import { openStore } from "../src/storage/openStore.ts";
import { report, time } from "./harness.ts";

const EVENTS = 1_000_000;
const FIELDS = Array.from({ length: 10 }, (_, i) => `detector_${i}`);
const PAGE_ROWS = 10_000;
const RUNS = 100_000;
const CLIENTS = 50;
const REQUESTS = 2_000;

/** A run of `events` events in event_pages of PAGE_ROWS rows (10 float fields). */
function* streamRun(uid: string, events: number, t0: number): Generator<DocumentPair> {
  const descriptor = `${uid}-primary`;
  const dataKeys = Object.fromEntries(
    FIELDS.map((f) => [f, { dtype: "number", shape: [], source: `SIM:${f}` }]),
  );
  yield ["start", { uid, time: t0, scan_id: 1, plan_name: "count" }];
  yield [
    "descriptor",
    { uid: descriptor, run_start: uid, time: t0, name: "primary", data_keys: dataKeys } as never,
  ];
  for (let first = 1; first <= events; first += PAGE_ROWS) {
    const rows = Math.min(PAGE_ROWS, events - first + 1);
    const seq = Array.from({ length: rows }, (_, i) => first + i);
    const times = seq.map((n) => t0 + n * 0.01);
    yield [
      "event_page",
      {
        uid: seq.map((n) => `${uid}-e${n}`),
        descriptor,
        seq_num: seq,
        time: times,
        data: Object.fromEntries(FIELDS.map((f, k) => [f, seq.map((n) => Math.sin(n * (k + 1)))])),
        timestamps: Object.fromEntries(FIELDS.map((f) => [f, times])),
        filled: {},
      } as never,
    ];
  }
  yield ["stop", { uid: `${uid}-stop`, run_start: uid, time: t0 + events * 0.01, exit_status: "success" }];
}

/** 5,000 open runs (start documents only) per batch. */
function startBatch(first: number, count: number): DocumentPair[] {
  const plans = ["scan", "count", "rel_scan", "grid_scan"];
  return Array.from({ length: count }, (_, k): DocumentPair => {
    const i = first + k;
    const uid = `${(i * 2654435761) % 2 ** 32}`.padStart(10, "0");
    return [
      "start",
      { uid: `run-${uid}-${i}`, time: 1_600_000_000 + i * 30, scan_id: i % 20_000, plan_name: plans[i % 4] },
    ];
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
/** What Python's httpx, and so the Tiled client, offers on every request. */
const AS_PYTHON = { "accept-encoding": "gzip, deflate" };

/** GET over plain http (no compression offered unless `headers` do), the body's size. */
function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers }, (response) => {
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
      });
      response.on("end", () =>
        response.statusCode === 200 ? resolve(size) : reject(new Error(`${response.statusCode} ${url}`)),
      );
    })
      .on("error", reject)
      .end();
  });
}

/** A plain TCP server that sends `bytes` to every connection and closes: the floor for moving them. */
async function socketBaseline(bytes: number): Promise<{ receive: () => Promise<number>; close: () => void }> {
  const payload = Buffer.alloc(bytes, 7);
  const server = createNetServer((socket) => socket.end(payload));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const receive = () =>
    new Promise<number>((resolve, reject) => {
      let size = 0;
      connect(port, "127.0.0.1")
        .on("data", (chunk) => {
          size += chunk.length;
        })
        .on("end", () => resolve(size))
        .on("error", reject);
    });
  return { receive, close: () => server.close() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function latencies(
  repeats: number,
  work: () => Promise<unknown>,
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 10; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-http-bench-"));
  const store = await openStore(join(dir, "catalog.sqlite"));
  const broker = new Broker(store);
  const app = await createServer({ broker });
  try {
    let t0 = performance.now();
    const big = "big-run-0000-4000-8000-000000000001";
    let batch: DocumentPair[] = [];
    for (const pair of streamRun(big, EVENTS, 1_500_000_000)) {
      batch.push(pair);
      if (batch.length === 20) {
        await store.put(batch);
        batch = [];
      }
    }
    if (batch.length) await store.put(batch);
    const small = "small-run-000-4000-8000-000000000002";
    await store.put([...streamRun(small, 100, 1_500_000_001)]);
    console.log(
      `put a ${EVENTS}-event x ${FIELDS.length}-field run: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const api = `http://127.0.0.1:${port}/api/v1`;

    // 1. The big stream as Arrow vs the same number of bytes over a bare socket.
    const arrowUrl = `${api}/container/full/${big}/primary/data?format=arrow`;
    const bytes = await fetchBytes(arrowUrl);
    const baseline = await socketBaseline(bytes);
    const mb = bytes / 1e6;
    const overHttp = await time(mb, () => fetchBytes(arrowUrl), 3);
    // Python's httpx offers gzip on every request: binary answers must not take the compressor's path.
    const asPython = await time(mb, () => fetchBytes(arrowUrl, AS_PYTHON), 3);
    const overSocket = await time(mb, () => baseline.receive(), 3);
    baseline.close();
    report(
      `${EVENTS} events x ${FIELDS.length} fields as Arrow (${mb.toFixed(1)} MB)`,
      "MB",
      overHttp,
      overSocket,
      "net socket send of the same bytes",
    );
    report(
      `the same, offering gzip as the Python client does`,
      "MB",
      asPython,
      overSocket,
      "net socket send of the same bytes",
    );

    // 2. /search among 100,000 runs: a page of 100, a filtered page, an exact count; vs the Broker in process.
    t0 = performance.now();
    for (let first = 0; first < RUNS; first += 5_000) await store.put(startBatch(first, 5_000));
    console.log(`put ${RUNS} more runs: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cases: Array<[string, string, Array<[string, string]>]> = [
      ["newest page of 100", "page%5Blimit%5D=100&sort=-", []],
      [
        "plan_name == scan, page of 100",
        "filter%5Beq%5D%5Bcondition%5D%5Bkey%5D=start.plan_name&filter%5Beq%5D%5Bcondition%5D%5Bvalue%5D=%22scan%22&page%5Blimit%5D=100",
        [
          ["filter[eq][condition][key]", "start.plan_name"],
          ["filter[eq][condition][value]", '"scan"'],
        ],
      ],
      ["exact count (fields=count)", "fields=count", []],
    ];
    for (const [name, query, filter] of cases) {
      const http = await latencies(200, () => fetchBytes(`${api}/search/?${query}`));
      const searched = broker.search(queryFromTiledParams(filter));
      const direct = await latencies(200, async () => {
        if (query.startsWith("fields=count")) return searched.count();
        const runs = [];
        for await (const summary of searched.summaries({
          limit: 100,
          sort: [{ key: "time", direction: "desc" }],
        }))
          runs.push(summary);
        return [await searched.count(), runs.length];
      });
      console.log(
        `/search ${name} among ${RUNS + 2} runs: p50 ${http.p50.toFixed(2)} ms p99 ${http.p99.toFixed(2)} ms | ` +
          `Broker in process p50 ${direct.p50.toFixed(2)} ms p99 ${direct.p99.toFixed(2)} ms | ratio p50 ${(http.p50 / direct.p50).toFixed(2)}x`,
      );
    }

    // 3. 50 clients at once, each reading a 100-event stream as Arrow as the Python client asks, REQUESTS in all.
    const streamUrl = `${api}/container/full/${small}/primary/data?format=arrow`;
    const times: number[] = [];
    let next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next++ < REQUESTS) {
          const start = performance.now();
          await fetchBytes(streamUrl, AS_PYTHON);
          times.push(performance.now() - start);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    times.sort((a, b) => a - b);
    console.log(
      `${CLIENTS} concurrent clients reading a 100-event stream as Arrow: ${(REQUESTS / seconds).toFixed(0)} requests/s, ` +
        `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
    );
  } finally {
    agent.destroy();
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
