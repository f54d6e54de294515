// A seeded fuzzer against a real server (in process, real HTTP on loopback) over a SQLite catalog of real
// runs: POSTs of structure-mutated documents and byte-damaged bodies in every accepted content type, and GETs
// of every GET route with odd paths and query parameters. It fails on any 5xx, any answer slower than 10 s,
// the server dying, or a refused POST changing the catalog. DATABROKER_FUZZ_SEED replays a run;
// DATABROKER_RELIABILITY_SCALE multiplies the cases.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { ROUTE_ACCESS } from "../../src/server/routeAccess.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { builtPage } from "../support/builtPage.ts";
import { dataPath } from "../support/sharedData.ts";
import { SCALE } from "./crashRuns.ts";
import {
  BODY_TYPES,
  type BodyFormat,
  encodeBody,
  int,
  mutateBytes,
  mutateStructure,
  oddGet,
  pick,
  renamed,
} from "./fuzzCases.ts";

const SEED = Number(process.env.DATABROKER_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const POSTS = 1000 * SCALE;
const GETS = 1000 * SCALE;
const API_KEY = "fuzz_test_key_0123456789";
const SLOW_MS = 10_000;

console.log(`# fuzz seed ${SEED} (DATABROKER_FUZZ_SEED=${SEED} replays), ${POSTS} POSTs, ${GETS} GETs`);

interface Case {
  index: number;
  kind: string;
  method: string;
  path: string;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number | "reset";
  ms: number;
  text: string;
}

function describeCase(fuzzCase: Case, answer?: Answer): string {
  const prefix = fuzzCase.body ? JSON.stringify(fuzzCase.body.subarray(0, 160).toString("latin1")) : "(none)";
  const got = answer
    ? ` -> ${answer.status} in ${Math.round(answer.ms)} ms: ${answer.text.slice(0, 300)}`
    : "";
  return (
    `seed ${SEED} case #${fuzzCase.index} [${fuzzCase.kind}] ${fuzzCase.method} ${fuzzCase.path.slice(0, 300)}` +
    ` content-type=${fuzzCase.contentType ?? "-"} accept=${fuzzCase.accept ?? "-"} ` +
    `body(${fuzzCase.body?.length ?? 0} bytes)=${prefix}${got}`
  );
}

// A new connection per request: a kept-alive socket the server closed after a refusal would otherwise
// look like a reset of the next request.
const agent = new Agent({ keepAlive: false });

/** One request with its raw path (no URL normalisation, so `..` and `%00` reach the server as sent). */
function send(port: number, fuzzCase: Case): Promise<Answer> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Apikey ${API_KEY}`,
      ...(fuzzCase.contentType === undefined ? {} : { "content-type": fuzzCase.contentType }),
      ...(fuzzCase.accept === undefined ? {} : { accept: fuzzCase.accept }),
      ...fuzzCase.headers,
    };
    const req = request(
      { host: "127.0.0.1", port, method: fuzzCase.method, path: fuzzCase.path, headers, agent },
      (response) => {
        // A live event stream stays open by design: its answer is its status.
        if (/^text\/event-stream/.test(response.headers["content-type"] ?? "")) {
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - began, text: "" });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            ms: performance.now() - began,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    req.setTimeout(SLOW_MS, () => req.destroy(new Error(`no answer within ${SLOW_MS} ms`)));
    // The server may answer a refused body before reading it all and close: the write then fails with
    // EPIPE/ECONNRESET and no answer is read; that is counted, not failed (the catalog check still runs).
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET")
        resolve({ status: "reset", ms: performance.now() - began, text: error.code });
      else reject(error);
    });
    req.end(fuzzCase.body);
  });
}

function count(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

describe("fuzzing the HTTP API", () => {
  let dir: string;
  let broker: Broker;
  let port: number;
  let close: () => Promise<void>;
  const baseRuns: DocumentPair[][] = [];
  const realSegments: string[] = [];
  const page = builtPage(); // the web page's routes serve it whether or not `npm run build` has run

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "databroker-fuzz-"));
    const store = await openStore(join(dir, "catalog.sqlite"));
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath("apstools/tests/apstools.json"))) pairs.push(pair);
    for (const run of splitRuns(pairs).runs) {
      await store.put(run.documents);
      if (run.documents.length <= 400) baseRuns.push(run.documents);
    }
    broker = new Broker(store);
    for await (const summary of store.runs()) {
      realSegments.push(summary.uid, summary.uid.slice(0, 8));
      for (const descriptor of await store.descriptors(summary.uid)) {
        const name = descriptor.name ?? "primary";
        realSegments.push(name, `${summary.uid}/${name}`, `${summary.uid}/${name}/data`);
        for (const key of Object.keys(descriptor.data_keys).slice(0, 3))
          realSegments.push(key, `${summary.uid}/${name}/${key}`, `${summary.uid}/${name}/data/${key}`);
      }
    }
    const app = await createServer({ broker, auth: { apiKey: API_KEY }, webRoot: page.dir, logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
    close = async () => {
      await app.close();
      await broker.close();
      await store.close();
    };
  });
  after(async () => {
    agent.destroy();
    await close?.();
    rmSync(dir, { recursive: true, force: true });
    page.remove();
  });

  /** How many documents a run replays (0 when it is not stored). */
  async function documentsOf(uid: unknown): Promise<number> {
    if (typeof uid !== "string" || (await broker.store.start(uid)) === undefined) return 0;
    let total = 0;
    for await (const _ of broker.store.documents(uid)) total++;
    return total;
  }

  /** Every run and every document stored, counted through the library. */
  async function totals(): Promise<{ runs: number; documents: number }> {
    let documents = 0;
    let runs = 0;
    for await (const summary of broker.store.runs()) {
      runs++;
      documents += await documentsOf(summary.uid);
    }
    assert.equal(await broker.store.count(), runs);
    return { runs, documents };
  }

  test("mutated and damaged POST bodies: never 5xx or slow; a refused POST changes nothing", async () => {
    assert.ok(baseRuns.length > 0);
    const random = seededRandom(SEED);
    const byKind: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    const byType: Record<string, number> = {};
    const failures: string[] = [];
    // The catalog's documents are accounted for: what it held, plus what each 200 answer says it stored.
    let expected = await totals();
    const formats = Object.keys(BODY_TYPES) as BodyFormat[];
    for (let index = 0; index < POSTS; index++) {
      const format = pick(random, formats);
      const base = random() < 0.5 ? renamed(pick(random, baseRuns)) : pick(random, baseRuns);
      let kind: string;
      let body: Buffer;
      let contentType = pick(random, BODY_TYPES[format]);
      if (random() < 0.6) {
        const mutated = mutateStructure(random, base, format === "msgpack");
        kind = `structure: ${mutated.kinds[0]}`;
        try {
          body = encodeBody(format, mutated.pairs);
        } catch {
          // A value JSON cannot hold goes as msgpack; one nested past msgpackr's stack (its packer
          // recurses, and the stack is smaller on some machines) goes as JSON.
          const fallback: BodyFormat = format === "msgpack" ? "json" : "msgpack";
          body = encodeBody(fallback, mutated.pairs);
          contentType = fallback === "msgpack" ? "application/x-msgpack" : "application/json";
        }
      } else {
        const damaged = mutateBytes(random, encodeBody(format, base.slice(0, 1 + int(random, base.length))));
        kind = `bytes: ${damaged.kinds[0]}`;
        body = damaged.body;
      }
      if (random() < 0.03) {
        contentType = pick(random, ["text/plain", "", "application/json; charset=latin1", "application/xml"]);
        kind = "wrong content type";
      }
      count(byKind, kind);
      count(byType, contentType || "(none)");
      const fuzzCase: Case = { index, kind, method: "POST", path: "/api/v1/documents/", contentType, body };
      // The run a body is made from is the only stored run it can touch; any new run shows in the count.
      const target = (base[0][1] as { uid: string }).uid;
      const runsBefore = await broker.store.count();
      const targetBefore = await documentsOf(target);
      let answer: Answer;
      try {
        answer = await send(port, fuzzCase);
      } catch (error) {
        failures.push(`${describeCase(fuzzCase)}: ${(error as Error).message}`);
        continue;
      }
      count(byStatus, String(answer.status));
      if (answer.status !== "reset" && (answer.status >= 500 || answer.ms > SLOW_MS))
        failures.push(describeCase(fuzzCase, answer));
      if (answer.status === 200) {
        const stored = (JSON.parse(answer.text) as { stored: number }).stored;
        expected = { runs: await broker.store.count(), documents: expected.documents + stored };
      } else {
        const runsAfter = await broker.store.count();
        const targetAfter = await documentsOf(target);
        if (runsAfter !== runsBefore || targetAfter !== targetBefore)
          failures.push(
            `refused POST changed the catalog (runs ${runsBefore} -> ${runsAfter}, documents of ${target} ` +
              `${targetBefore} -> ${targetAfter}): ${describeCase(fuzzCase, answer)}`,
          );
      }
      if (index % 250 === 249 || index === POSTS - 1) {
        const now = await totals();
        if (now.documents !== expected.documents || now.runs !== expected.runs)
          failures.push(
            `after case #${index} (seed ${SEED}) the catalog holds ${JSON.stringify(now)}, ` +
              `the answers account for ${JSON.stringify(expected)}`,
          );
        expected = now;
      }
      if (failures.length >= 20) break;
    }
    console.log(`# fuzz POST cases by kind: ${JSON.stringify(byKind)}`);
    console.log(`# fuzz POST cases by content type: ${JSON.stringify(byType)}`);
    console.log(`# fuzz POST answers by status: ${JSON.stringify(byStatus)}`);
    assert.deepEqual(failures, [], failures.join("\n"));
  });

  test("odd paths and query parameters on every GET route: never 5xx or slow", async () => {
    const random = seededRandom(SEED + 1);
    const routes = Object.keys(ROUTE_ACCESS)
      .filter((rule) => rule.startsWith("GET "))
      .map((rule) => rule.slice(4));
    const byKind: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    const byRoute: Record<string, number> = {};
    const failures: string[] = [];
    for (let index = 0; index < GETS; index++) {
      const route = pick(random, routes);
      const odd = oddGet(random, route, realSegments);
      const headers: Record<string, string> = {};
      if (random() < 0.05)
        headers.authorization = pick(random, ["", "Apikey", "Apikey wrong", "Bearer x.y.z"]);
      const kind = odd.kinds.length > 0 ? [...new Set(odd.kinds)].sort().join("+") : "plain";
      const fuzzCase: Case = {
        index,
        kind,
        method: random() < 0.1 ? "HEAD" : "GET",
        path: odd.path,
        accept: odd.accept,
        headers,
      };
      count(byKind, kind);
      count(byRoute, route);
      let answer: Answer;
      try {
        answer = await send(port, fuzzCase);
      } catch (error) {
        failures.push(`${describeCase(fuzzCase)}: ${(error as Error).message}`);
        continue;
      }
      count(byStatus, String(answer.status));
      if (answer.status === "reset" || answer.status >= 500 || answer.ms > SLOW_MS)
        failures.push(describeCase(fuzzCase, answer));
      if (failures.length >= 20) break;
    }
    // Still serving after all of it.
    const about = await send(port, { index: -1, kind: "about", method: "GET", path: "/api/v1/" });
    assert.equal(about.status, 200);
    console.log(`# fuzz GET cases by kind: ${JSON.stringify(byKind)}`);
    console.log(`# fuzz GET cases by route: ${JSON.stringify(byRoute)}`);
    console.log(`# fuzz GET answers by status: ${JSON.stringify(byStatus)}`);
    assert.deepEqual(failures, [], failures.join("\n"));
  });

  // Found by this fuzzer (a GET case with two 10,000-character parameters, sent as HEAD): the answer to a
  // request refused by Node's parser carried a JSON body even for a HEAD, which its client read as the start
  // of the next response ("Parse Error: Expected HTTP/").
  test("a HEAD whose URL exceeds the header limit gets a 431 without a body; a GET gets one with detail", async () => {
    const path = `/api/v1/search/?max_depth=${"x".repeat(10_000)}&limit=${"x".repeat(10_000)}`;
    const head = await send(port, { index: -1, kind: "oversized", method: "HEAD", path });
    assert.deepEqual([head.status, head.text], [431, ""]);
    const get = await send(port, { index: -1, kind: "oversized", method: "GET", path });
    assert.equal(get.status, 431);
    assert.match(JSON.parse(get.text).detail, /exceed the size limit/);
  });
});
