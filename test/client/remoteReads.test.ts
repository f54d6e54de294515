// Remote stream reads in bounded requests: no read asks for the run's documents export, chunks() asks once
// per chunk (from just past the last seq_num it was given, descriptors interleaved or not), and the server's databroker-only table
// parameters (`include=seq_num`, `limit`) are absent from what the Python client gets.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { RemoteBroker } from "../../src/client/RemoteBroker.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair, RunStart } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { tableFromArrowIPC } from "../../src/tables/arrow.ts";
import type { Table } from "../../src/tables/Table.ts";
import { runsOf } from "../broker/catalogs.ts";
import { largeRun } from "../storage/syntheticRuns.ts";

const API_KEY = "remote_reads_key";

/** A primary stream of two descriptors whose events interleave (odd and even seq_nums). */
function interleavedRun(): DocumentPair[] {
  const run = composeRun({ plan_name: "interleaved" }, { time: 1_600_000_000 });
  const number: DataKey = { dtype: "number", shape: [], source: "sim" };
  const odd = run.composeDescriptor({ name: "primary", data_keys: { x: number } });
  const even = run.composeDescriptor({ name: "primary", data_keys: { x: number } });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", odd.descriptor],
    ["descriptor", even.descriptor],
  ];
  for (let seq = 1; seq <= 13; seq++) {
    const event = (seq % 2 ? odd : even).composeEvent({
      seq_num: seq,
      time: 1_600_000_000 + seq,
      data: { x: seq * 10 },
      timestamps: { x: 1 },
    });
    documents.push(["event", event]);
  }
  documents.push(["stop", run.composeStop()]);
  return documents;
}

async function collect(chunks: AsyncIterable<Table>): Promise<Table[]> {
  const all: Table[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe("remote stream reads in bounded requests", () => {
  let dir: string;
  let store: Store;
  let local: Broker;
  let app: FastifyInstance;
  let url: string;
  let apstools: RunStart[];
  const large = largeRun(7, 300);
  const interleaved = interleavedRun();
  /** Every request path the server received, in order. */
  const requests: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "databroker-remote-reads-"));
    store = await openStore(join(dir, "catalog.sqlite"));
    const runs = await runsOf("apstools/tests/apstools.json");
    for (const documents of [...runs, large.documents, interleaved]) await store.put(documents);
    apstools = runs.map((documents) => documents[0][1] as RunStart);
    local = new Broker(store);
    app = await createServer({ broker: local, auth: { apiKey: API_KEY }, logger: false });
    app.addHook("onRequest", async (request) => {
      requests.push(request.raw.url ?? "");
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await local.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The requests a piece of work made, by route. */
  async function requestsOf(work: () => Promise<unknown>): Promise<string[]> {
    const before = requests.length;
    await work();
    return requests.slice(before);
  }

  test("read, timestamps and field of real runs never ask for the documents export, and equal the local reads", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    let streams = 0;
    for (const start of apstools.slice(0, 20)) {
      const [remoteRun, localRun] = [await broker.run(start.uid), await local.run(start.uid)];
      for (const name of localRun.streamNames) {
        const [remote, localStream] = [remoteRun.stream(name), localRun.stream(name)];
        const field = localStream.fields[0];
        const made = await requestsOf(async () => {
          assert.deepEqual((await remote.read()).toRows(), (await localStream.read()).toRows());
          assert.deepEqual((await remote.timestamps()).toRows(), (await localStream.timestamps()).toRows());
          const seq = { from: 2, to: 4 };
          assert.deepEqual(
            (await remote.read({ seq, fill: false })).toRows(),
            (await localStream.read({ seq, fill: false })).toRows(),
          );
          if (field !== undefined) {
            const [r, l] = [await remote.field(field, { seq }), await localStream.field(field, { seq })];
            assert.deepEqual([r.shape, r.dtype], [l.shape, l.dtype]);
          }
        });
        assert.ok(made.length > 0);
        assert.deepEqual(
          made.filter((path) => path.startsWith("/api/v1/documents/")),
          [],
          `${start.uid}/${name}`,
        );
        streams++;
      }
    }
    assert.ok(streams >= 15, `${streams} streams read`);
  });

  test("summary() of real runs equals the local one, in one request for the run's metadata", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    for (const start of apstools.slice(0, 20)) {
      const [remoteRun, localRun] = [await broker.run(start.uid), await local.run(start.uid)];
      let summary: unknown;
      const made = await requestsOf(async () => {
        summary = await remoteRun.summary();
      });
      assert.deepEqual(summary, await localRun.summary(), start.uid);
      assert.deepEqual(
        made.map((path) => path.split("?")[0]),
        [`/api/v1/metadata/${start.uid}`],
      );
    }
  });

  test("chunks() asks the server once per chunk, each for its own rows only", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    const remote = (await broker.run(large.uid)).stream("primary");
    const whole = await (await local.run(large.uid)).stream("primary").read();
    let chunks: Table[] = [];
    const made = await requestsOf(async () => {
      chunks = await collect(remote.chunks({ size: 400 }));
    });
    assert.deepEqual(
      chunks.map((chunk) => chunk.length),
      [400, 400, 400, 400, 400, 100],
    );
    assert.deepEqual(
      chunks.flatMap((chunk) => chunk.toRows()),
      whole.toRows(),
    );
    assert.equal(made.length, chunks.length, made.join("\n"));
    for (const path of made) {
      assert.ok(path.startsWith(`/api/v1/table/full/${large.uid}/primary/data?`), path);
      assert.match(path, /[?&]limit=400(&|$)/);
    }
    // Every request after the first starts where the previous chunk ended: no row is sent twice.
    assert.deepEqual(
      made.map((path) => new URLSearchParams(path.split("?")[1]).get("seq")),
      [null, "401:", "801:", "1201:", "1601:", "2001:"],
    );
  });

  test("chunks of interleaved descriptors are the local broker's chunks", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    const uid = (interleaved[0][1] as RunStart).uid;
    const [remote, localStream] = [
      (await broker.run(uid)).stream("primary"),
      (await local.run(uid)).stream("primary"),
    ];
    for (const size of [1, 3, 5, 13, 14]) {
      const [r, l] = [await collect(remote.chunks({ size })), await collect(localStream.chunks({ size }))];
      assert.deepEqual(
        r.map((chunk) => chunk.toRows()),
        l.map((chunk) => chunk.toRows()),
        `size ${size}`,
      );
    }
    const seq = { from: 3, to: 12 };
    const [r, l] = [
      await collect(remote.chunks({ size: 4, seq })),
      await collect(localStream.chunks({ size: 4, seq })),
    ];
    assert.deepEqual(
      r.map((chunk) => chunk.toRows()),
      l.map((chunk) => chunk.toRows()),
    );
    assert.deepEqual(
      r.map((chunk) => chunk.length),
      [4, 4, 1],
    );
    assert.deepEqual(
      r.flatMap((chunk) => Array.from(chunk.column("seq_num") as ArrayLike<number>)),
      [3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
  });

  test("the table route adds seq_num and limits rows only when asked (the Python client asks neither)", async () => {
    const headers = { authorization: `Apikey ${API_KEY}` };
    const route = `/api/v1/table/full/${large.uid}/primary/data?format=arrow&column=a`;
    const plain = await app.inject({ url: route, headers });
    assert.deepEqual(tableFromArrowIPC(plain.rawPayload).columnNames, ["time", "a"]);
    const asked = await app.inject({ url: `${route}&include=seq_num&seq=10:&limit=5`, headers });
    const table = tableFromArrowIPC(asked.rawPayload);
    assert.deepEqual(table.columnNames, ["time", "seq_num", "a"]);
    assert.deepEqual(Array.from(table.column("seq_num") as ArrayLike<number>), [10, 11, 12, 13, 14]);
    for (const wrong of ["include=uid", "limit=0", "limit=-2"]) {
      const answer = await app.inject({ url: `${route}&${wrong}`, headers });
      assert.equal(answer.statusCode, 422, wrong);
    }
    const times = await app.inject({
      url: `/api/v1/table/full/${large.uid}/primary/timestamps?format=arrow&include=seq_num&seq=:3`,
      headers,
    });
    assert.deepEqual(
      Array.from(tableFromArrowIPC(times.rawPayload).column("seq_num") as ArrayLike<number>),
      [1, 2],
    );
  });
});
