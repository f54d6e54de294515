// POST /api/v1/documents/: real runs in every body format (streamed from the files), idempotent re-posts,
// and refused requests — bad documents (422 with findings), damaged bodies (400 naming the byte or line),
// conflicts (409), no key (401) — that store nothing. A 200,000-event body is ingested in bounded memory.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { after, before, describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pack } from "msgpackr";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";
import { postDocuments, startTestServer, TEST_KEY, type TestServer } from "./ingestServer.ts";

const USAXS = dataPath("apstools/tests/usaxs.json");
const TUTORIAL_RUN = dataPath("bluesky-tutorials/example_data/0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl");
const PACKED_RUN = dataPath(
  "apstools/440_specwriter_problem_run/documents/624e776a-a914-4a74-8841-babf1591fb29.msgpack",
);

async function documentsOf(path: string): Promise<DocumentPair[]> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(path)) pairs.push(pair);
  return pairs;
}

function startsOf(pairs: DocumentPair[]): string[] {
  return pairs.filter(([name]) => name === "start").map(([, doc]) => (doc as { uid: string }).uid);
}

type RunAnswer = { uid: string; documents: number; events: number; warnings: unknown[] };

describe("ingest over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test("a JSON array of [name, doc] pairs (10 runs of usaxs.json, streamed) is stored, then skipped", async () => {
    const expected = await documentsOf(USAXS);
    const first = await postDocuments(server, createReadStream(USAXS), "application/json");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.documents, expected.length);
    assert.equal(first.body.stored, expected.length);
    const runs = first.body.runs as RunAnswer[];
    assert.deepEqual(
      runs.map((run) => run.uid),
      startsOf(expected),
    );
    assert.equal(
      runs.reduce((sum, run) => sum + run.documents, 0),
      expected.length,
    );
    assert.equal(
      runs.reduce((sum, run) => sum + run.events, 0),
      first.body.events,
    );
    for (const uid of startsOf(expected)) assert.equal((await server.broker.run(uid)).start.uid, uid);

    const again = await postDocuments(server, createReadStream(USAXS), "application/json");
    assert.equal(again.status, 200);
    assert.equal(again.body.stored, 0);
    assert.equal(again.body.skipped, expected.length);
  });

  test("JSON Lines as application/json-seq, and RFC 7464 records of {name, doc} objects", async () => {
    const expected = await documentsOf(TUTORIAL_RUN);
    const [uid] = startsOf(expected);
    const lines = await postDocuments(server, createReadStream(TUTORIAL_RUN), "application/json-seq");
    assert.equal(lines.status, 200, JSON.stringify(lines.body));
    assert.equal(lines.body.stored, expected.length);
    assert.deepEqual(
      (lines.body.runs as RunAnswer[]).map((run) => run.uid),
      [uid],
    );
    const stored: DocumentPair[] = [];
    for await (const pair of server.broker.store.documents(uid)) stored.push(pair);
    assert.deepEqual(stored, expected);

    const records = expected.map(([name, doc]) => `\x1e${JSON.stringify({ name, doc })}\n`).join("");
    const seq = await postDocuments(server, records, "application/json-seq");
    assert.equal(seq.status, 200, JSON.stringify(seq.body));
    assert.equal(seq.body.skipped, expected.length);
  });

  test("msgpack (a databroker-pack run, streamed) as application/x-msgpack and application/msgpack", async () => {
    const expected = await documentsOf(PACKED_RUN);
    const first = await postDocuments(server, createReadStream(PACKED_RUN), "application/x-msgpack");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.stored, expected.length);
    assert.deepEqual(
      (first.body.runs as RunAnswer[]).map((run) => run.uid),
      startsOf(expected),
    );
    const again = await postDocuments(server, createReadStream(PACKED_RUN), "application/msgpack");
    assert.equal(again.body.skipped, expected.length);
  });

  test("a run without a stop is stored with its warning attached to the run", async () => {
    const pairs = (await documentsOf(TUTORIAL_RUN)).filter(([name]) => name !== "stop");
    const moved = renamedRun(pairs);
    const answer = await postDocuments(server, JSON.stringify(moved), "application/json");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const [run] = answer.body.runs as RunAnswer[];
    assert.equal(run.uid, startsOf(moved)[0]);
    assert.deepEqual(
      run.warnings.map((warning) => (warning as { rule: string }).rule),
      ["stop-missing"],
    );
  });

  test("a bad document: 422 naming document, field and rule, and nothing of the request is stored", async () => {
    const before = await server.broker.count();
    const good = renamedRun(await documentsOf(TUTORIAL_RUN));
    const broken = good.map(([name, doc]): DocumentPair => [name, { ...doc }] as DocumentPair);
    const eventIndex = broken.findIndex(([name]) => name === "event_page");
    delete (broken[eventIndex][1] as Record<string, unknown>).seq_num;
    const body = [...renamedRun(await documentsOf(TUTORIAL_RUN)), ...broken];
    const answer = await postDocuments(server, JSON.stringify(body), "application/json");
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    const findings = answer.body.findings as Array<Record<string, unknown>>;
    const finding = findings.find((f) => f.doc_index === body.length - broken.length + eventIndex);
    assert.ok(finding, JSON.stringify(findings));
    assert.equal(finding.name, "event_page");
    assert.equal(finding.rule, "required");
    assert.match(String(finding.message), /seq_num/);
    assert.equal(
      await server.broker.count(),
      before,
      "the good run of the same request is not stored either",
    );
  });

  test("a truncated body: 400 naming the byte or line, and nothing stored", async () => {
    const before = await server.broker.count();
    const text = JSON.stringify(renamedRun(await documentsOf(TUTORIAL_RUN)));
    const cut = text.slice(0, Math.floor(text.length * 0.7));
    const array = await postDocuments(server, cut, "application/json");
    assert.equal(array.status, 400);
    assert.match(String(array.body.detail), /^request body: byte \d+: .*truncated/);

    const lines = renamedRun(await documentsOf(TUTORIAL_RUN))
      .map((pair) => JSON.stringify(pair))
      .join("\n");
    const damaged = await postDocuments(
      server,
      `${lines.slice(0, lines.length - 20)}`,
      "application/json-seq",
    );
    assert.equal(damaged.status, 400);
    assert.match(String(damaged.body.detail), /^request body: line \d+: invalid JSON/);

    const packed = Buffer.concat(renamedRun(await documentsOf(TUTORIAL_RUN)).map((pair) => pack(pair)));
    const msgpack = await postDocuments(
      server,
      packed.subarray(0, packed.length - 10),
      "application/x-msgpack",
    );
    assert.equal(msgpack.status, 400);
    assert.match(String(msgpack.body.detail), /^request body: byte \d+: .*truncated/);
    assert.equal(await server.broker.count(), before);
  });

  test("a body that is not what its Content-Type says, or of no document type, is refused", async () => {
    const packed = pack(["start", { uid: randomUUID(), time: 1 }]);
    const mislabelled = await postDocuments(server, packed, "application/json");
    assert.equal(mislabelled.status, 400);
    assert.match(String(mislabelled.body.detail), /holds msgpack/);
    const csv = await postDocuments(server, "a,b\n1,2\n", "text/csv");
    assert.equal(csv.status, 400);
    assert.match(String(csv.body.detail), /application\/json-seq/);
    const empty = await postDocuments(server, "", "application/json");
    assert.equal(empty.status, 400);
  });

  test("a document that differs from the one stored under its uid: 409, nothing stored", async () => {
    const run = renamedRun(await documentsOf(TUTORIAL_RUN));
    assert.equal((await postDocuments(server, JSON.stringify(run), "application/json")).status, 200);
    const before = await server.broker.count();
    const changed = run.map(
      ([name, doc]): DocumentPair =>
        name === "start" ? ["start", { ...doc, sample: "another sample" }] : ([name, doc] as DocumentPair),
    );
    const other = renamedRun(await documentsOf(TUTORIAL_RUN));
    const answer = await postDocuments(server, JSON.stringify([...other, ...changed]), "application/json");
    assert.equal(answer.status, 409, JSON.stringify(answer.body));
    assert.match(String(answer.body.detail), new RegExp(startsOf(run)[0]));
    assert.equal(await server.broker.count(), before, "the new run of the same request is not stored");
  });

  test("writing needs the key: none or a wrong one is 401 with WWW-Authenticate", async () => {
    const body = JSON.stringify(renamedRun(await documentsOf(TUTORIAL_RUN)));
    const none = await postDocuments(server, body, "application/json", {});
    assert.equal(none.status, 401);
    assert.ok(none.headers.get("www-authenticate"));
    const wrong = await postDocuments(server, body, "application/json", {
      authorization: "Apikey not_the_key",
    });
    assert.equal(wrong.status, 401);
    const right = await postDocuments(server, body, "application/json", {
      authorization: `Apikey ${TEST_KEY}`,
    });
    assert.equal(right.status, 200);
  });
});

/** The same run under fresh uids (start, descriptors, events, stop), so tests can post it again and again. */
function renamedRun(pairs: DocumentPair[]): DocumentPair[] {
  const renamed = new Map<string, string>();
  const fresh = (uid: unknown): unknown => {
    if (Array.isArray(uid)) return uid.map(fresh);
    if (typeof uid !== "string") return uid;
    if (!renamed.has(uid)) renamed.set(uid, randomUUID());
    return renamed.get(uid);
  };
  return pairs.map(([name, doc]) => {
    const copy: Record<string, unknown> = { ...doc };
    if ("uid" in doc) copy.uid = fresh(doc.uid);
    if ("run_start" in doc) copy.run_start = fresh(doc.run_start);
    if ("descriptor" in doc) copy.descriptor = fresh(doc.descriptor);
    return [name, copy] as DocumentPair;
  });
}

describe("a large body streams", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test("the body is parsed as it arrives: damage early in a body still being sent is answered at once", {
    timeout: 60_000,
  }, async () => {
    let answered = () => {};
    const answer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const start = randomUUID();
    async function* body(): AsyncGenerator<string> {
      yield `${JSON.stringify(["start", { uid: start, time: 1 }])}\n["descriptor", {"uid": oops}]\n`;
      // The body ends only once the server has answered: a server waiting for the whole body would hang.
      await answer;
    }
    const refused = await postDocuments(server, body(), "application/json-seq").finally(answered);
    assert.equal(refused.status, 400);
    assert.match(String(refused.body.detail), /^request body: line 2: invalid JSON/);
    assert.equal(await server.broker.count(), 0);
  });

  test("200,000 events as json-seq are stored with the body never held (live memory reported)", async () => {
    const EVENTS = 200_000;
    const start = randomUUID();
    const descriptor = randomUUID();
    let bodyBytes = 0;
    async function* body(): AsyncGenerator<string> {
      const header: DocumentPair[] = [
        ["start", { uid: start, time: 1_700_000_000, plan_name: "stress", scan_id: 1 }],
        [
          "descriptor",
          {
            uid: descriptor,
            run_start: start,
            time: 1_700_000_000,
            name: "primary",
            data_keys: {
              x: { dtype: "number", shape: [], source: "x" },
              y: { dtype: "number", shape: [], source: "y" },
              z: { dtype: "integer", shape: [], source: "z" },
            },
          },
        ],
      ];
      let text = header.map((pair) => JSON.stringify(pair)).join("\n");
      for (let i = 1; i <= EVENTS; i++) {
        const time = 1_700_000_000 + i / 1000;
        const event = {
          uid: randomUUID(),
          descriptor,
          seq_num: i,
          time,
          data: { x: i * 0.5, y: Math.sin(i), z: i },
          timestamps: { x: time, y: time, z: time },
        };
        text += `\n${JSON.stringify(["event", event])}`;
        if (text.length > 1 << 16) {
          bodyBytes += text.length;
          yield text;
          text = "";
        }
      }
      text += `\n${JSON.stringify(["stop", { uid: randomUUID(), run_start: start, time: 1_700_001_000, exit_status: "success", num_events: { primary: EVENTS } }])}\n`;
      bodyBytes += text.length;
      yield text;
    }
    // Live memory, not garbage: a collection before each sample (gc exposed at run time).
    setFlagsFromString("--expose-gc");
    const collectGarbage = runInNewContext("gc") as () => void;
    collectGarbage();
    const baseline = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      collectGarbage();
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
    }, 250);
    const answer = await postDocuments(server, body(), "application/json-seq");
    clearInterval(sampler);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.events, EVENTS);
    assert.equal(answer.body.stored, EVENTS + 3);
    assert.ok(bodyBytes > 40e6, `the body is ${bodyBytes} bytes`);
    console.log(
      `# body ${(bodyBytes / 1e6).toFixed(1)} MB; peak live heap + buffers growth ${(peak / 1e6).toFixed(1)} MB`,
    );
    // The put keeps the request's events as compact pages until its one transaction (atomic per request):
    // live memory grows with the events (~0.5 kB each), far below parsed event objects (~2 kB each).
    assert.ok(peak < EVENTS * 1000, `peak live growth ${peak} bytes for ${EVENTS} events`);
    const table = await (await server.broker.run(start)).stream("primary").read();
    assert.equal(table.length, EVENTS);
  });
});
