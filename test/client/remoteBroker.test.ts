// The RemoteBroker against a real server (a SQLite catalog of apstools.json and the USAXS runs on
// 127.0.0.1): typed errors from statuses, retries through a faulty proxy, pagination across pages, and Arrow
// tables equal to the local Broker's bit for bit.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import type { RunsOptions } from "../../src/catalog/RunsOptions.ts";
import { RemoteBroker } from "../../src/client/RemoteBroker.ts";
import type { RunStart } from "../../src/documents/types.ts";
import { NotFoundError, UnauthorizedError, UnsupportedError } from "../../src/errors.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { isTypedArray, type TypedArray } from "../../src/tables/DType.ts";
import { isNDArray } from "../../src/tables/NDArray.ts";
import type { Table } from "../../src/tables/Table.ts";
import { runsOf } from "../broker/catalogs.ts";

const API_KEY = "client_tests_key";

/** A proxy in front of the server that answers the first `failures` requests badly, then forwards. */
async function faultyProxy(
  target: string,
  failures: number,
  fault: "503" | "reset",
): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createHttpServer((incoming, outgoing) => {
    requests.push(incoming.url ?? "");
    if (requests.length <= failures) {
      if (fault === "reset") incoming.socket.destroy();
      else outgoing.writeHead(503, { "content-type": "application/json" }).end('{"detail":"busy"}');
      return;
    }
    const forwarded = httpRequest(
      `${target}${incoming.url}`,
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function bytesOf(array: TypedArray): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Same columns, same types, same bytes (NaN payloads and -0 included) for every typed column. */
function assertSameTable(remote: Table, local: Table, what: string): void {
  assert.deepEqual(remote.columnNames, local.columnNames, what);
  assert.equal(remote.length, local.length, what);
  for (const name of local.columnNames) {
    const [r, l] = [remote.column(name), local.column(name)];
    assert.equal(r.constructor, l.constructor, `${what}.${name}: column kind`);
    if (isTypedArray(l)) assert.ok(bytesOf(r as TypedArray).equals(bytesOf(l)), `${what}.${name}: bytes`);
    else if (isNDArray(l) && isNDArray(r)) {
      assert.deepEqual([r.shape, r.dtype], [l.shape, l.dtype], `${what}.${name}`);
      if (isTypedArray(l.data)) assert.ok(bytesOf(r.data as TypedArray).equals(bytesOf(l.data)), name);
      else assert.deepEqual(r.data, l.data, `${what}.${name}`);
    } else assert.deepEqual(r, l, `${what}.${name}`);
  }
}

describe("RemoteBroker", () => {
  let dir: string;
  let store: Store;
  let local: Broker;
  let app: FastifyInstance;
  let url: string;
  let starts: RunStart[];
  const proxies: Server[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "databroker-client-"));
    store = await openStore(join(dir, "catalog.sqlite"));
    const runs = [
      ...(await runsOf("apstools/tests/apstools.json")),
      ...(await runsOf("apstools/tests/usaxs.json")),
    ];
    for (const documents of runs) await store.put(documents);
    starts = runs.map((documents) => documents[0][1] as RunStart);
    local = new Broker(store);
    app = await createServer({ broker: local, auth: { apiKey: API_KEY }, logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const proxy of proxies) proxy.close();
    await app.close();
    await local.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a wrong key is UnauthorizedError at connect; a missing run is NotFoundError; Or is UnsupportedError", async () => {
    await assert.rejects(RemoteBroker.connect(url, { apiKey: "wrong" }), UnauthorizedError);
    await assert.rejects(RemoteBroker.connect(url), UnauthorizedError);
    const broker = await RemoteBroker.connect(`${url}/api/v1/`, { apiKey: API_KEY });
    await assert.rejects(broker.run("no-such-run-uid"), NotFoundError);
    await assert.rejects(broker.run(99_999), NotFoundError);
    // A 404 from a route: the server's detail is the message.
    const run = await broker.run(-1);
    await assert.rejects(run.stream(run.streamNames[0]).field("no_such_field"), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.match(error.message, /no_such_field/);
      return true;
    });
    const either = {
      op: "or" as const,
      queries: [
        { op: "eq" as const, key: "plan_name", value: "scan" },
        { op: "eq" as const, key: "plan_name", value: "count" },
      ],
    };
    assert.throws(() => broker.search(either), UnsupportedError);
  });

  test("a fuzzy search lists the runs closest first, as the local Broker does", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    type Listing = { page(options: RunsOptions): Promise<Array<{ uid: string }>> };
    const uids = async (found: Listing, sort?: string) =>
      (await found.page({ limit: 20, sort })).map((run) => run.uid);
    const text = '~"plastc"';
    const expected = await uids(local.search(text));
    assert.notDeepEqual(expected, await uids(local.search(text), "-time"), "ranking changes the order");
    assert.deepEqual(await uids(broker.search(text)), expected);
  });

  test("5xx answers and reset connections are retried with backoff; a lasting failure is reported", async () => {
    const busy = await faultyProxy(url, 2, "503");
    const reset = await faultyProxy(url, 1, "reset");
    const down = await faultyProxy(url, 100, "503");
    proxies.push(busy.server, reset.server, down.server);
    const viaBusy = await RemoteBroker.connect(busy.url, { apiKey: API_KEY, backoffMs: 1 });
    assert.equal(await viaBusy.count(), starts.length);
    assert.equal(busy.requests.length, 4, "connect: 2 refusals, then 1 answer; count: 1 answer");
    const viaReset = await RemoteBroker.connect(reset.url, { apiKey: API_KEY, backoffMs: 1 });
    assert.equal((await viaReset.run(-1)).uid, (await local.run(-1)).uid);
    await assert.rejects(
      RemoteBroker.connect(down.url, { apiKey: API_KEY, retries: 2, backoffMs: 1 }),
      /HTTP 503 after 3 attempts/,
    );
    assert.equal(down.requests.length, 3);
  });

  test("listings follow the server's pages: every run once, newest first, with offset, limit and sort", async () => {
    const counting = await faultyProxy(url, 0, "503");
    proxies.push(counting.server);
    const broker = await RemoteBroker.connect(counting.url, { apiKey: API_KEY, pageSize: 7 });
    const expected: string[] = [];
    for await (const summary of local.summaries()) expected.push(summary.uid);
    const before = counting.requests.length;
    const uids: string[] = [];
    for await (const run of broker) uids.push(run.uid);
    assert.deepEqual(uids, expected);
    const pages = counting.requests.slice(before).filter((path) => /^\/api\/v1\/search\/?\?/.test(path));
    assert.equal(pages.length, Math.ceil(expected.length / 7));
    assert.ok(pages.slice(1).every((path) => path.includes("page%5Boffset%5D")));
    const page = await broker.page({ offset: 5, limit: 10, sort: "scan_id" });
    const localPage = await local.page({ offset: 5, limit: 10, sort: "scan_id" });
    assert.deepEqual(
      page.map((run) => run.uid),
      localPage.map((run) => run.uid),
    );
  });

  test("stream tables fetched as Arrow equal the local tables bit for bit; fields as raw bytes too", async () => {
    const broker = await RemoteBroker.connect(url, { apiKey: API_KEY });
    let streams = 0;
    for (const start of starts.slice(-8)) {
      const [remoteRun, localRun] = [await broker.run(start.uid), await local.run(start.uid)];
      for (const name of localRun.streamNames) {
        const [remote, localStream] = [remoteRun.stream(name), localRun.stream(name)];
        assertSameTable(await remote.read(), await localStream.read(), `${start.uid}/${name}`);
        assertSameTable(
          await remote.timestamps(),
          await localStream.timestamps(),
          `${start.uid}/${name} times`,
        );
        for (const field of localStream.fields.slice(0, 5)) {
          const [r, l] = [await remote.field(field), await localStream.field(field)];
          assert.deepEqual([r.shape, r.dtype], [l.shape, l.dtype], field);
          if (isTypedArray(l.data)) assert.ok(bytesOf(r.data as TypedArray).equals(bytesOf(l.data)), field);
          else assert.deepEqual(r.data, l.data, field);
        }
        streams++;
      }
    }
    assert.ok(streams >= 8, `${streams} streams compared`);
  });
});
