// Times users really send, over HTTP on SQLite and PostgreSQL: a document time outside seconds since the
// epoch (years 1-9999) is refused with a 422 naming the document, the field and the rule, in JSON and in
// msgpack (which carries NaN and ±Infinity too); and a run stored with such a time by an older version
// (planted by SQL) reads everywhere without a 500: search pages, sorted by time, and its metadata.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pack } from "msgpackr";
import { composeRun } from "../../src/documents/compose.ts";
import { END_TIME, FIRST_TIME } from "../../src/documents/run/timeRange.ts";
import type { DataKey } from "../../src/documents/types.ts";
import { type CatalogServer, plantStartTime, startCatalogServer, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS } from "./readServer.ts";

const number: DataKey = { dtype: "number", shape: [], source: "sim" };

/** Documents as plain objects: the tests put wrong values where the types would not let them. */
type Pair = [string, Record<string, any>];

function runAt(time: number, plan_name = "count"): Pair[] {
  const run = composeRun({ plan_name }, { time: 1.7e9 });
  const stream = run.composeDescriptor({ name: "primary", data_keys: { x: number } });
  return [
    ["start", { ...run.start, time }],
    ["descriptor", stream.descriptor],
    ["event", stream.composeEvent({ data: { x: 1 }, timestamps: { x: 1.7e9 } })],
    ["stop", run.composeStop({ exit_status: "success" })],
  ];
}

async function post(server: CatalogServer, body: string | Uint8Array, type: string) {
  const response = await fetch(`${server.api}/documents/`, {
    method: "POST",
    headers: { ...WITH_KEY, "content-type": type },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const asJson = (documents: Pair[]) => JSON.stringify(documents);
/** Concatenated msgpack of [name, doc] pairs, as suitcase-msgpack writes. */
const asMsgpack = (documents: Pair[]) => Buffer.concat(documents.map((pair) => pack(pair)));

async function getJson(server: CatalogServer, path: string) {
  const response = await fetch(`${server.api}${path}`, { headers: WITH_KEY });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

for (const catalog of READ_CATALOGS) {
  describe(`document times over HTTP (${catalog.name})`, () => {
    let server: CatalogServer;
    before(async () => {
      server = await startCatalogServer(catalog);
    });
    after(() => server.close());

    const refused = [1.7e18, 1e300, -1e300, 8.64e12 + 1, 1.7e12, 1.7e15, END_TIME, FIRST_TIME - 1];
    for (const time of refused) {
      test(`a start time of ${time} is refused with a time-range finding, nothing stored`, async () => {
        const answer = await post(server, asJson(runAt(time)), "application/json");
        assert.equal(answer.status, 422, JSON.stringify(answer.body));
        const findings = answer.body.findings as Array<Record<string, unknown>>;
        assert.deepEqual(
          findings.map((finding) => [finding.doc_index, finding.name, finding.path, finding.rule]),
          [[0, "start", "time", "time-range"]],
        );
        assert.match(String(findings[0].message), /seconds since the epoch/);
        assert.equal(await server.broker.count(), 0);
      });
    }

    test("the finding says which unit a time looks like", async () => {
      const cases: Array<[number, RegExp]> = [
        [1.7e12, /looks like milliseconds \(2023-11-14T22:13:20\.000Z\)/],
        [1.7e15, /looks like microseconds/],
        [1.7e18, /looks like nanoseconds; the event model wants seconds|looks like nanoseconds \(/],
      ];
      for (const [time, pattern] of cases) {
        const answer = await post(server, asJson(runAt(time)), "application/json");
        const [finding] = answer.body.findings as Array<{ message: string }>;
        assert.match(finding.message, pattern);
      }
    });

    test("msgpack bodies: NaN, ±Infinity and out-of-range times are refused", async () => {
      for (const time of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.7e18]) {
        const answer = await post(server, asMsgpack(runAt(time)), "application/x-msgpack");
        assert.equal(answer.status, 422, `${time}: ${JSON.stringify(answer.body)}`);
        const [finding] = answer.body.findings as Array<Record<string, unknown>>;
        assert.deepEqual([finding.name, finding.path, finding.rule], ["start", "time", "time-range"]);
      }
      assert.equal(await server.broker.count(), 0);
    });

    test("stop, descriptor, event and event_page rows are checked too, also for a run stored earlier", async () => {
      const documents = runAt(1.7e9);
      const [start, descriptor, event, stop] = documents;
      const cases: Array<[Pair[], string, string]> = [
        [[start, descriptor, event, ["stop", { ...stop[1], time: 1e300 }]], "stop", "time"],
        [[start, ["descriptor", { ...descriptor[1], time: -1e300 }]], "descriptor", "time"],
        [[start, descriptor, ["event", { ...event[1], time: 1.7e18 }]], "event", "time"],
      ];
      const page = {
        uid: ["p-0", "p-1"],
        descriptor: descriptor[1].uid,
        seq_num: [1, 2],
        time: [1.7e9, 1.7e18],
        data: { x: [1, 2] },
        timestamps: { x: [1.7e9, 1.7e9] },
      };
      cases.push([[start, descriptor, ["event_page", page]], "event_page", "time[1]"]);
      for (const [batch, name, path] of cases) {
        const answer = await post(server, asJson(batch), "application/json");
        assert.equal(answer.status, 422, `${name}: ${JSON.stringify(answer.body)}`);
        const findings = answer.body.findings as Array<Record<string, unknown>>;
        assert.ok(
          findings.some((f) => f.name === name && f.path === path && f.rule === "time-range"),
          JSON.stringify(findings),
        );
      }
      // The run stored without its stop; then a stop out of range, sent alone, is refused the same way.
      assert.equal((await post(server, asJson([start, descriptor, event]), "application/json")).status, 200);
      const late = await post(server, asJson([["stop", { ...stop[1], time: 1.7e18 }]]), "application/json");
      assert.equal(late.status, 422);
      const [finding] = late.body.findings as Array<Record<string, unknown>>;
      assert.deepEqual([finding.name, finding.path, finding.rule], ["stop", "time", "time-range"]);
      assert.equal(await server.broker.store.stop(start[1].uid), undefined);
      await server.broker.store.deleteRun(start[1].uid, { by: "test" });
    });

    test("the bounds of the accepted range are stored", async () => {
      for (const time of [FIRST_TIME, END_TIME - 1, 0]) {
        const documents = runAt(time);
        const answer = await post(server, asJson(documents), "application/json");
        assert.equal(answer.status, 200, `${time}: ${JSON.stringify(answer.body)}`);
        await server.broker.store.deleteRun(documents[0][1].uid, { by: "test" });
      }
    });

    test("a run stored with a time no date holds reads without a 500: search, sort by time, metadata", async () => {
      const planted = [1.7e18, 1e300, -1e300];
      const uids: string[] = [];
      for (const time of planted) {
        const documents = runAt(1.7e9, "planted");
        assert.equal((await post(server, asJson(documents), "application/json")).status, 200);
        await plantStartTime(server.uri, documents[0][1].uid, time);
        uids.push(documents[0][1].uid);
      }
      const good = runAt(1.7e9, "good");
      await post(server, asJson(good), "application/json");
      for (const sort of [[], ["time"], ["-time"]]) {
        const query = sort.map((key) => `&sort=${key}`).join("");
        const search = await getJson(server, `/search/?page[limit]=10${query}`);
        assert.equal(search.status, 200, JSON.stringify(search.body));
        assert.equal(search.body.data.length, 4);
      }
      const search = await getJson(server, "/search/");
      const byUid = new Map(search.body.data.map((item: any) => [item.id, item.attributes.metadata.summary]));
      for (const [i, uid] of uids.entries()) {
        const summary = byUid.get(uid) as Record<string, unknown>;
        assert.equal(summary.datetime, null);
        assert.equal(summary.timestamp, planted[i]);
        const metadata = await getJson(server, `/metadata/${uid}`);
        assert.equal(metadata.status, 200, JSON.stringify(metadata.body));
        assert.equal(metadata.body.data.attributes.metadata.summary.datetime, null);
      }
      const goodSummary = byUid.get(good[0][1].uid) as Record<string, unknown>;
      assert.equal(goodSummary.datetime, "2023-11-14T22:13:20.000Z");
      for (const uid of uids) await server.broker.store.deleteRun(uid, { by: "test" });
      await server.broker.store.deleteRun(good[0][1].uid, { by: "test" });
    });
  });
}
