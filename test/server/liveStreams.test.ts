// The live routes over real HTTP on loopback, on a real SQLite file: the SSE contract (ids, data, resume,
// end), the same over a websocket, the runs stream and its filters, the TypeScript client, Python reading the
// stream (floats stay floats, NaN arrives), bad requests, and authorization: a run the caller may not see is
// a 404 to follow and never appears in the runs stream.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import WebSocket from "ws";
import { Broker } from "../../src/broker/index.ts";
import { RemoteBroker } from "../../src/client/index.ts";
import type { SseMessage } from "../../src/client/SseParser.ts";
import { serverSentEvents } from "../../src/client/serverSentEvents.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import type { FollowedDocument, RunChange } from "../../src/live/types.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { type AccessWorld, RUN_SPECS, runDocuments, startAccessWorld } from "../access/accessFixture.ts";
import { collect } from "../storage/storeHelpers.ts";
import { liveRun, postDocuments } from "../support/liveProducer.ts";

const KEY = "live_streams_key_0123456789";
const runPython = (args: string[]) => promisify(execFile)("/usr/bin/python3", args, { encoding: "utf8" });
const AUTH = { authorization: `Apikey ${KEY}` };

let dir: string;
let api: string;
let broker: Broker;
let close: () => Promise<void>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "databroker-live-"));
  broker = new Broker(await openStore(join(dir, "catalog.db")));
  const app = await createServer({
    broker,
    auth: { apiKey: KEY },
    logger: false,
    timeouts: { heartbeatMs: 200 },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  api = `http://127.0.0.1:${port}/api/v1`;
  close = async () => {
    await app.close();
    await broker.close();
  };
});
after(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

/** An open event stream's messages, read one by one. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { ...AUTH, accept: "text/event-stream", ...headers } });
  if (response.status !== 200) assert.fail(`HTTP ${response.status}: ${await response.text()}`);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  return serverSentEvents(response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

/** The next `count` messages of a stream. */
async function next(messages: AsyncIterator<SseMessage>, count: number): Promise<SseMessage[]> {
  const got: SseMessage[] = [];
  while (got.length < count) {
    const { value, done } = await messages.next();
    if (done) break;
    got.push(value);
  }
  return got;
}

/** Every message of a stream until it closes. */
async function all(url: string, headers: Record<string, string> = {}): Promise<SseMessage[]> {
  const messages = await openStream(url, headers);
  const got: SseMessage[] = [];
  for (let item = await messages.next(); !item.done; item = await messages.next()) got.push(item.value);
  return got;
}

/** The run's stored documents as the stream numbers them. */
async function numbered(uid: string): Promise<FollowedDocument[]> {
  const run = await broker.run(uid);
  return (await collect(run.documents())).map(
    ([name, doc], i) => ({ seq: i + 1, name, doc }) as FollowedDocument,
  );
}

const asMessage = ({ seq, name, doc }: FollowedDocument) => ({
  event: "message",
  id: String(seq),
  data: [name, doc],
});
const parsed = (message: SseMessage) => ({ ...message, data: JSON.parse(message.data) });

describe("GET /api/v1/stream/run/{uid} as Server-Sent Events", () => {
  test("each stored document is one event (id = seq, data = [name, doc]), then each new one, then end", async () => {
    const { uid, documents } = liveRun(6);
    await postDocuments(api, KEY, documents.slice(0, 4));
    const messages = await openStream(`${api}/stream/run/${uid}`);
    const first = await next(messages, 4);
    await postDocuments(api, KEY, documents.slice(4, 6));
    await postDocuments(api, KEY, documents.slice(6));
    const rest = await next(messages, 6);
    const stored = await numbered(uid);
    assert.equal(stored.length, documents.length);
    assert.deepEqual([...first, ...rest.slice(0, 5)].map(parsed), stored.map(asMessage));
    assert.deepEqual(parsed(rest[5]), { event: "end", id: "9", data: { last_seq: 9 } });
    assert.equal((await messages.next()).done, true, "the stream closes after end");

    // Resumed by Last-Event-ID (what EventSource sends) or ?after=.
    const resumed = await all(`${api}/stream/run/${uid}`, { "last-event-id": "6" });
    assert.deepEqual(resumed.slice(0, -1).map(parsed), stored.slice(6).map(asMessage));
    const after = await all(`${api}/stream/run/${uid}?after=9`);
    assert.deepEqual(after.map(parsed), [{ event: "end", data: { last_seq: 9 } }]);
  });

  test("a quiet stream sends heartbeats; a stream with no stop stays open", async () => {
    const { uid, documents } = liveRun(1);
    await postDocuments(api, KEY, documents.slice(0, 2));
    const response = await fetch(`${api}/stream/run/${uid}?after=2`, { headers: AUTH });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes(": keep-alive")) text += new TextDecoder().decode((await reader.read()).value);
    assert.doesNotMatch(text, /event: end/);
    await reader.cancel();
  });

  test("bad requests are answered before the stream opens: 406, 400, 404, 401", async () => {
    const { uid, documents } = liveRun(1);
    await postDocuments(api, KEY, documents);
    const status = async (url: string, headers: Record<string, string>) => {
      const response = await fetch(url, { headers });
      return {
        status: response.status,
        body: (await response.json()) as { detail: string; supported: string[] },
      };
    };
    const json = await status(`${api}/stream/run/${uid}`, { ...AUTH, accept: "application/json" });
    assert.equal(json.status, 406);
    assert.ok(json.body.supported.includes("text/event-stream"));
    const badId = await status(`${api}/stream/run/${uid}`, { ...AUTH, "last-event-id": "seven" });
    assert.equal(badId.status, 400);
    assert.match(badId.body.detail, /Last-Event-ID.*whole number.*"seven"/);
    assert.equal((await status(`${api}/stream/run/${uid}?after=-1`, AUTH)).status, 400);
    assert.equal((await status(`${api}/stream/run/no-such-run`, AUTH)).status, 404);
    assert.equal((await status(`${api}/stream/run/${uid}`, {})).status, 401);
    // A query the search route refuses is refused alike.
    const badQuery = "filter[query][condition][text]=plan_name%20%3D%3D";
    assert.equal(
      (await status(`${api}/stream/runs?${badQuery}`, AUTH)).status,
      (await status(`${api}/search/?${badQuery}`, AUTH)).status,
    );
  });

  test("Python reads the stream: floats stay floats (1.0), NaN arrives as NaN", async () => {
    const run = composeRun({ plan_name: "python-live" });
    const stream = run.composeDescriptor({
      name: "primary",
      data_keys: {
        x: { dtype: "number", shape: [], source: "sim" },
        n: { dtype: "integer", shape: [], source: "sim" },
      },
    });
    const documents: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", stream.descriptor],
      ["event", stream.composeEvent({ data: { x: 1, n: 2 }, timestamps: { x: 1, n: 1 } })],
      ["event", stream.composeEvent({ data: { x: Number.NaN, n: 3 }, timestamps: { x: 1, n: 1 } })],
      ["stop", run.composeStop({ exit_status: "success" })],
    ];
    await postDocuments(api, KEY, documents);
    const script = `
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Apikey ${KEY}", "Accept": "text/event-stream"})
seen = []
with urllib.request.urlopen(request) as response:
    for line in response:
        line = line.decode().rstrip("\\n")
        if line.startswith("data: "):
            value = json.loads(line[6:])
            if isinstance(value, list) and value[0] == "event":
                x, n = value[1]["data"]["x"], value[1]["data"]["n"]
                seen.append([type(x).__name__, repr(x), type(n).__name__])
print(json.dumps(seen))
`;
    // Not execFileSync: the server answering Python runs in this process.
    const { stdout: out } = await runPython(["-c", script, `${api}/stream/run/${run.start.uid}`]);
    assert.deepEqual(JSON.parse(out), [
      ["float", "1.0", "int"],
      ["float", "nan", "int"],
    ]);
  });
});

describe("the runs stream and the TypeScript client", () => {
  test("ready, then the start and stop of each matching run with its summary", async () => {
    const messages = await openStream(
      `${api}/stream/runs?filter[query][condition][text]=plan_name%20%3D%3D%20%22wanted%22`,
    );
    assert.deepEqual((await next(messages, 1)).map(parsed), [{ event: "ready", data: {} }]);
    const wanted = liveRun(2, { plan_name: "wanted" });
    await postDocuments(api, KEY, liveRun(2, { plan_name: "other" }).documents);
    await postDocuments(api, KEY, wanted.documents.slice(0, -1));
    await postDocuments(api, KEY, wanted.documents.slice(-1));
    const [start, stop] = (await next(messages, 2)).map(parsed);
    assert.equal(start.event, "start");
    assert.equal(start.data.uid, wanted.uid);
    assert.equal(start.data.start.plan_name, "wanted");
    assert.equal(start.data.stop, null);
    assert.equal(stop.event, "stop");
    assert.equal(stop.data.stop.exit_status, "success");
    assert.deepEqual(stop.data.streams, { primary: 2 });
    await messages.return?.(undefined);
  });

  test("broker.subscribe() and run.follow() of the RemoteBroker", async () => {
    const remote = await RemoteBroker.connect(api.replace(/\/api\/v1$/, ""), { apiKey: KEY });
    const abort = new AbortController();
    const changes: RunChange[] = [];
    const heard = (async () => {
      for await (const change of remote.search('plan_name == "client"').subscribe({ signal: abort.signal })) {
        changes.push(change);
        if (change.kind === "stop") return;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { uid, documents } = liveRun(20, { plan_name: "client" });
    await postDocuments(api, KEY, documents.slice(0, 2));
    const run = await remote.run(uid);
    const followed = collect(run.follow());
    const resumed = collect(run.follow({ after: 5 }));
    for (let at = 2; at < documents.length; at += 5)
      await postDocuments(api, KEY, documents.slice(at, at + 5));
    await heard;
    abort.abort();
    const stored = await numbered(uid);
    assert.deepEqual(await followed, stored);
    assert.deepEqual(await resumed, stored.slice(5));
    assert.deepEqual(
      changes.map((change) => [change.kind, change.summary.uid]),
      [
        ["start", uid],
        ["stop", uid],
      ],
    );
  });
});

describe("the same over a websocket", () => {
  /** Frames of a websocket until it closes. */
  function frames(
    url: string,
    headers: Record<string, string> = AUTH,
  ): Promise<Array<Record<string, unknown>>> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const got: Array<Record<string, unknown>> = [];
      socket.on("message", (data) => got.push(JSON.parse(String(data))));
      socket.on("close", () => resolve(got));
      socket.on("error", reject);
    });
  }

  test("one frame {event, id, data} per document, end, then the socket closes; a missing run says failed 404", async () => {
    const { uid, documents } = liveRun(3);
    await postDocuments(api, KEY, documents.slice(0, 3));
    const received = frames(`${api.replace(/^http/, "ws")}/stream/run/${uid}?after=1`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await postDocuments(api, KEY, documents.slice(3));
    const stored = await numbered(uid);
    assert.deepEqual(await received, [
      ...stored.slice(1).map(({ seq, name, doc }) => ({ event: "document", id: seq, data: [name, doc] })),
      { event: "end", data: { last_seq: stored.length } },
    ]);
    const missing = await frames(`${api.replace(/^http/, "ws")}/stream/run/no-such-run`);
    assert.equal(missing.length, 1);
    assert.equal(missing[0].event, "failed");
    assert.equal((missing[0].data as { status: number }).status, 404);
  });
});

describe("authorization: a run the caller may not see never reaches them", () => {
  let world: AccessWorld;
  before(async () => {
    world = await startAccessWorld((d) => join(d, "access.db"));
  });
  after(() => world.close());

  test("following a hidden run is the same 404 as a missing one; the runs stream shows only visible runs", async () => {
    const hidden = RUN_SPECS.R2.uid;
    const follow = (uid: string, key: string) =>
      fetch(`${world.api}/stream/run/${uid}`, { headers: { authorization: `Apikey ${key}` } });
    const hiddenAnswer = await follow(hidden, world.keys.u1);
    const missingAnswer = await follow("aaaa1111-0000-4000-8000-00000000ffff", world.keys.u1);
    assert.equal(hiddenAnswer.status, 404);
    assert.equal(missingAnswer.status, 404);
    assert.equal((await follow(RUN_SPECS.R1a.uid, world.keys.u1)).status, 200);

    // u1 (beamtime B1a) subscribes; runs are written in B2 (hidden from u1) and B1a.
    const response = await fetch(`${world.api}/stream/runs`, {
      headers: { authorization: `Apikey ${world.keys.u1}` },
    });
    const messages = serverSentEvents(response.body as unknown as AsyncIterable<Uint8Array>)[
      Symbol.asyncIterator
    ]();
    assert.equal((await next(messages, 1))[0].event, "ready");
    const secret = runDocuments({
      uid: "bbbb0000-0000-4000-8000-000000000001",
      scan_id: 201,
      beamtime: "B2",
      plan_name: "secret",
    });
    const SHARED_UID = "bbbb0000-0000-4000-8000-000000000002";
    const shared = runDocuments({
      uid: SHARED_UID,
      scan_id: 202,
      beamtime: "B1a",
      plan_name: "ours",
    });
    await world.store.put(secret);
    await world.store.put(shared);
    const got = (await next(messages, 2)).map(parsed);
    assert.deepEqual(
      got.map((message) => [message.event, message.data.uid]),
      [
        ["start", SHARED_UID],
        ["stop", SHARED_UID],
      ],
    );
    const text = JSON.stringify(got);
    assert.doesNotMatch(text, /secret|bbbb0000-0000-4000-8000-000000000001/);
    await messages.return?.(undefined);
  });
});
