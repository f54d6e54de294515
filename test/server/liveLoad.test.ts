// Live data under load and failure, with real `databroker serve` processes: a producer POSTs one event per
// request at up to 1 kHz while many followers read the run (LIVE_EVENTS, LIVE_FOLLOWERS: 2,000 and 50 by
// default, `LIVE_EVENTS=10000` for the full size); the server is killed with SIGKILL mid-run and restarted on the same port and catalog, and
// followers and the producer carry on with no gap and no duplicate; two servers on one PostgreSQL deliver
// each other's writes.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { RemoteBroker } from "../../src/client/index.ts";
import type { FollowedDocument, RunChange } from "../../src/live/types.ts";
import { collect } from "../storage/storeHelpers.ts";
import { liveRun, postDocuments, produce } from "../support/liveProducer.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { freePort, type ServedProcess, spawnServer } from "./serveProcess.ts";

const KEY = "live_load_key_0123456789";
const EVENTS = Number(process.env.LIVE_EVENTS ?? 2_000);
const FOLLOWERS = Number(process.env.LIVE_FOLLOWERS ?? 50);

const dir = mkdtempSync(join(tmpdir(), "databroker-live-load-"));
const servers: ServedProcess[] = [];
after(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(catalog: string, port = 0): Promise<ServedProcess> {
  const server = await spawnServer(["serve", "--catalog", catalog, "--api-key", KEY], {}, undefined, port);
  servers.push(server);
  return server;
}

/** What a follower from seq `after` must have got: every later document once, in order, as stored. */
function assertComplete(
  followed: FollowedDocument[],
  stored: FollowedDocument[],
  who: string,
  after = 0,
): void {
  const expected = stored.slice(after);
  assert.equal(
    followed.length,
    expected.length,
    `${who}: ${followed.length} of ${expected.length} documents`,
  );
  for (const [i, document] of followed.entries())
    if (document.seq !== after + i + 1) assert.fail(`${who}: document ${i + 1} has seq ${document.seq}`);
  assert.deepEqual(followed, expected, who);
}

describe("live data under load (SQLite)", () => {
  test(`${FOLLOWERS} followers of a run posted one event per request at ~1 kHz get all ${EVENTS} events in order`, async () => {
    const server = await serve(join(dir, "load.db"));
    const remote = await RemoteBroker.connect(server.url, { apiKey: KEY });
    const { uid, documents } = liveRun(EVENTS);
    await postDocuments(`${server.url}/api/v1`, KEY, documents.slice(0, 2));
    const run = await remote.run(uid);
    const followers = Array.from({ length: FOLLOWERS }, () => collect(run.follow()));
    await produce(`${server.url}/api/v1`, KEY, documents.slice(2), { perSecond: 1000 });
    const stored = await collect((await remote.run(uid)).follow());
    assert.equal(stored.length, documents.length);
    const got = await Promise.all(followers);
    for (const [i, followed] of got.entries()) assertComplete(followed, stored, `follower ${i}`);
  });

  test("SIGKILL and a restart mid-run: followers resume and the producer re-sends, with no gap and no duplicate", async () => {
    const catalog = join(dir, "restart.db");
    const port = await freePort();
    let server = await serve(catalog, port);
    const api = `${server.url}/api/v1`;
    const remote = await RemoteBroker.connect(server.url, { apiKey: KEY });
    const events = 600;
    const { uid, documents } = liveRun(events, { plan_name: "restarted" });
    await postDocuments(api, KEY, documents.slice(0, 2));
    const run = await remote.run(uid);
    const followers = Array.from({ length: 5 }, (_, i) => collect(run.follow({ after: i })));
    const abort = new AbortController();
    const changes: RunChange[] = [];
    const subscribed = (async () => {
      for await (const change of remote
        .search('plan_name == "restarted"')
        .subscribe({ signal: abort.signal }))
        changes.push(change);
    })();
    await produce(api, KEY, documents.slice(2), {
      perSecond: 500,
      before: (i) => {
        if (i !== events / 3) return undefined;
        // Mid-run: the server dies without a word and comes back on the same port and catalog.
        return (async () => {
          server.child.kill("SIGKILL");
          await new Promise((resolve) => server.child.once("exit", resolve));
          server = await serve(catalog, port);
          // Longer than the clients' longest wait between reconnections: the subscription is open again
          // before the stop is stored (what is stored while it is closed is not heard: README, Live data).
          await new Promise((resolve) => setTimeout(resolve, 3000));
        })();
      },
    });
    const stored = await collect((await remote.run(uid)).follow());
    assert.equal(stored.length, documents.length, "every document stored once");
    const got = await Promise.all(followers);
    for (const [i, followed] of got.entries()) assertComplete(followed, stored, `follower after ${i}`, i);
    // The subscription was reopened after the restart: the stop, stored after it, was heard.
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort();
    await subscribed;
    assert.ok(
      changes.some((change) => change.kind === "stop" && change.summary.uid === uid),
      "the stop was heard after the restart",
    );
  });
});

describe("live data across processes (PostgreSQL)", () => {
  test("two servers on one database: followers and subscribers of one hear what is written through the other", async () => {
    const uri = await (await sharedPostgres()).createDatabase();
    const [reader, writer] = [await serve(uri), await serve(uri)];
    const remote = await RemoteBroker.connect(reader.url, { apiKey: KEY });
    const abort = new AbortController();
    const changes: RunChange[] = [];
    const subscribed = (async () => {
      for await (const change of remote.subscribe({ signal: abort.signal })) {
        changes.push(change);
        if (change.kind === "stop") return;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { uid, documents } = liveRun(200, { plan_name: "elsewhere" });
    const writerApi = `${writer.url}/api/v1`;
    await postDocuments(writerApi, KEY, documents.slice(0, 2));
    const followed = collect((await remote.run(uid)).follow());
    await produce(writerApi, KEY, documents.slice(2), { perSecond: 1000 });
    await subscribed;
    abort.abort();
    const stored = await collect((await remote.run(uid)).follow());
    assertComplete(await followed, stored, "follower on the other server");
    assert.deepEqual(
      changes.map((change) => [change.kind, change.summary.uid]),
      [
        ["start", uid],
        ["stop", uid],
      ],
    );
  });
});
