// The live part of the Store conformance suite: documentBatches and watchRuns as followers use them (through
// LiveHub and runChanges), on every backend. A run written batch by batch is followed from its start and from
// any seq, by many followers at once and by one slower than the documents kept in memory; subscribers hear
// of the starts and stops of the runs their view sees. `otherWriters`: a second store opened on the same
// catalog (as another process would) is heard too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { NotFoundError } from "../../src/errors.ts";
import { LiveHub } from "../../src/live/LiveHub.ts";
import { RECENT } from "../../src/live/RunFeed.ts";
import type { FollowedDocument, RunChange } from "../../src/live/types.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

type Open = () => Promise<Store>;

/** Stored documents as a follower numbers them. */
async function numbered(store: Store, uid: string): Promise<FollowedDocument[]> {
  return (await collect(store.documents(uid))).map(([name, doc], i) => ({
    seq: i + 1,
    name,
    doc: doc as Record<string, unknown>,
  }));
}

/** Takes `count` items of `items` (then leaves it), or all of them when it ends first. */
async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  if (count === 0) return taken;
  for await (const item of items) {
    taken.push(item);
    if (taken.length === count) break;
  }
  return taken;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

export function liveConformance(open: Open, options: { otherWriters?: boolean } = {}): void {
  test("live: followers from the start and from any seq get every document once, in order, ending after the stop", async () => {
    const store = await open();
    try {
      const { uid, documents } = smallRun({ plan_name: "live" }, 40);
      await store.put(documents.slice(0, 2));
      const hub = LiveHub.of(store);
      const followers = [0, 1, 2, 7].map((after) => collect(hub.follow(uid, after)));
      // The rest in batches of a few documents, as a producer posts them.
      for (let at = 2; at < documents.length; at += 3) {
        await store.put(documents.slice(at, at + 3));
        await tick();
      }
      const stored = await numbered(store, uid);
      assert.equal(stored.length, documents.length);
      const got = await Promise.all(followers);
      for (const [i, after] of [0, 1, 2, 7].entries()) assert.deepEqual(got[i], stored.slice(after));
      // A completed run: its documents, then the end.
      assert.deepEqual(await collect(hub.follow(uid, 30)), stored.slice(30));
      assert.deepEqual(await collect(hub.follow(uid, stored.length)), []);
    } finally {
      await store.close();
    }
  });

  test("live: a follower slower than the documents kept in memory reads its gap from the store", async () => {
    const store = await open();
    try {
      const events = 2 * RECENT + 100;
      const { uid, documents } = smallRun({ plan_name: "slow" }, events);
      await store.put(documents.slice(0, 2));
      const hub = LiveHub.of(store);
      const fast = collect(hub.follow(uid, 0));
      const slow = hub.follow(uid, 0)[Symbol.asyncIterator]();
      const first = await slow.next();
      for (let at = 2; at < documents.length; at += 500) await store.put(documents.slice(at, at + 500));
      const rest = await collect({ [Symbol.asyncIterator]: () => slow });
      const stored = await numbered(store, uid);
      assert.deepEqual([first.value, ...rest], stored);
      assert.deepEqual(await fast, stored);
    } finally {
      await store.close();
    }
  });

  test("live: following a run that is not there fails with NotFoundError", async () => {
    const store = await open();
    try {
      await assert.rejects(collect(LiveHub.of(store).follow("no-such-run", 0)), NotFoundError);
    } finally {
      await store.close();
    }
  });

  test("live: a subscription hears the starts and stops of the runs its view sees, and of no other", async () => {
    const store = await open();
    const broker = new Broker(store);
    const abort = new AbortController();
    try {
      const subscription = broker.search('plan_name == "wanted"').subscribe({ signal: abort.signal });
      const iterator = subscription[Symbol.asyncIterator]();
      const first = iterator.next();
      await tick();
      const wanted = [smallRun({ plan_name: "wanted" }, 2), smallRun({ plan_name: "wanted" }, 2)];
      const other = smallRun({ plan_name: "other" }, 2);
      await store.put(wanted[0].documents.slice(0, -1));
      // The start's summary is read when its notice is handled (PostgreSQL's arrive asynchronously): the
      // stop is stored only once the start was heard, so that summary has none.
      const got: RunChange[] = [(await first).value as RunChange];
      await store.put(other.documents);
      await store.put(wanted[0].documents.slice(-1));
      await store.put(wanted[1].documents);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        got.push(next.value);
        if (got.length === 4) break;
      }
      assert.deepEqual(
        got.map((change) => [change.kind, change.summary.uid, change.summary.stop !== null]),
        [
          ["start", wanted[0].uid, false],
          ["stop", wanted[0].uid, true],
          ["start", wanted[1].uid, true],
          ["stop", wanted[1].uid, true],
        ],
      );
      assert.deepEqual(got[3].summary.streams, { primary: 2 });
    } finally {
      abort.abort();
      await store.close();
    }
  });

  if (options.otherWriters)
    test("live: what another store on the same catalog writes reaches followers and subscribers", async () => {
      const store = await open();
      const other = await openStore(store.uri);
      const abort = new AbortController();
      try {
        const { uid, documents } = smallRun({ plan_name: "elsewhere" }, 20);
        const changes = take(new Broker(store).subscribe({ signal: abort.signal }), 2);
        // Time for a listener to take effect (PostgreSQL's LISTEN is asynchronous).
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.put(documents.slice(0, 2));
        const followed = collect(LiveHub.of(store).follow(uid, 0));
        for (let at = 2; at < documents.length; at += 4) await other.put(documents.slice(at, at + 4));
        const stored = await numbered(other, uid);
        assert.deepEqual(await followed, stored);
        assert.deepEqual(
          (await changes).map((change) => [change.kind, change.summary.uid]),
          [
            ["start", uid],
            ["stop", uid],
          ],
        );
      } finally {
        abort.abort();
        await other.close();
        await store.close();
      }
    });
}
