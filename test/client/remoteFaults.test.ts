// Files that cannot be read, over HTTP: a run whose second NPY frame is missing, served from a real
// catalog on 127.0.0.1. The server's own `seq` and `fill` parameters read only a range's rows; a filling
// error at the first external event is a typed 4xx, one later cuts the json-seq body, which the client reports.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { encodeNpy } from "../../src/assets/npyFormat.ts";
import { Broker } from "../../src/broker/index.ts";
import { RemoteBroker } from "../../src/client/RemoteBroker.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair, Event } from "../../src/documents/types.ts";
import { NotFoundError, UnreadableError } from "../../src/errors.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { ndarray } from "../../src/tables/NDArray.ts";

const API_KEY = "fault_tests_key";

/**
 * A run of one NPY_SEQ image per event (frame i for event i); frames listed in `present` exist on disk.
 * `lead` events come first, showing frame 0 with a long random note each: a body too large to be held back.
 */
function framesRun(root: string, present: number[], lead = 0): { uid: string; documents: DocumentPair[] } {
  const composed = composeRun({ plan_name: "frames" });
  const resource = composed.composeResource({ spec: "NPY_SEQ", root, resource_path: "frames" });
  const image: DataKey = { dtype: "array", shape: [2, 2], source: "sim", external: "FILESTORE:" };
  const note: DataKey = { dtype: "string", shape: [], source: "sim" };
  const stream = composed.composeDescriptor({ name: "primary", data_keys: { image, note } });
  const documents: DocumentPair[] = [
    ["start", composed.start],
    ["descriptor", stream.descriptor],
    ["resource", resource.resource],
  ];
  const datums = [0, 1, 2].map((index) => resource.composeDatum({ index }));
  const event = (datumId: string, text: string): DocumentPair => [
    "event",
    stream.composeEvent({
      data: { image: datumId, note: text },
      timestamps: { image: 1, note: 1 },
      filled: { image: false },
    }),
  ];
  documents.push(["datum", datums[0]]);
  for (let i = 0; i < lead; i++) documents.push(event(datums[0].datum_id, randomBytes(300).toString("hex")));
  documents.push(event(datums[0].datum_id, ""), ["datum", datums[1]], event(datums[1].datum_id, ""));
  documents.push(["datum", datums[2]], event(datums[2].datum_id, ""), ["stop", composed.composeStop()]);
  for (const index of present)
    writeFileSync(
      join(root, `frames_${index}.npy`),
      encodeNpy(ndarray(new Float64Array(4).fill(index + 1), [2, 2])),
    );
  return { uid: composed.start.uid, documents };
}

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("remote reads of missing files", () => {
  let dir: string;
  let broker: Broker;
  let app: FastifyInstance;
  let url: string;
  let remote: RemoteBroker;
  let lateFault: { uid: string; documents: DocumentPair[] };
  let firstFault: { uid: string; documents: DocumentPair[] };
  let cutFault: { uid: string; documents: DocumentPair[] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "databroker-remote-faults-"));
    lateFault = framesRun(dir, [0, 2]);
    firstFault = framesRun(join(dir, "nowhere"), []);
    mkdirSync(join(dir, "long"));
    cutFault = framesRun(join(dir, "long"), [0, 2], 2000);
    const store = new MemoryStore();
    await store.put(lateFault.documents);
    await store.put(firstFault.documents);
    await store.put(cutFault.documents);
    broker = new Broker(store, { fileRoots: [dir] });
    app = await createServer({ broker, auth: { apiKey: API_KEY }, logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    remote = await RemoteBroker.connect(url, { apiKey: API_KEY });
  });
  after(async () => {
    await remote.close();
    await app.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) =>
    fetch(`${url}/api/v1/${path}`, { headers: { authorization: `Apikey ${API_KEY}` } });

  test("seq=from:to reads and fills only that range's rows; fill=false sends the datum ids", async () => {
    const path = `array/full/${lateFault.uid}/primary/data/image`;
    const first = await get(`${path}?seq=1:2`);
    assert.equal(first.status, 200);
    assert.deepEqual([...new Float64Array(await first.arrayBuffer())], [1, 1, 1, 1]);
    const last = await get(`${path}?seq=3:`);
    assert.deepEqual([...new Float64Array(await last.arrayBuffer())], [3, 3, 3, 3]);
    // The whole array needs the missing frame: a 404 JSON body naming it.
    const whole = await get(path);
    assert.equal(whole.status, 404);
    assert.match(((await whole.json()) as { detail: string }).detail, /frames_1\.npy/);

    const ids = await get(`${path}?fill=false&format=application/json`);
    assert.equal(ids.status, 200);
    const events = lateFault.documents.filter(([name]) => name === "event");
    assert.deepEqual(
      await ids.json(),
      events.map(([, doc]) => (doc as Event).data.image),
    );

    const table = await get(`table/full/${lateFault.uid}/primary/data?seq=3:4&format=text/csv`);
    assert.equal(table.status, 200);
    assert.equal((await table.text()).trim().split("\n").length, 2, "a header and one row");
  });

  test("a seq parameter that is not from:to is a 422", async () => {
    const bad = await get(`array/full/${lateFault.uid}/primary/data/image?seq=1-2`);
    assert.equal(bad.status, 422);
    assert.match(((await bad.json()) as { detail: string }).detail, /seq must be from:to/);
  });

  test("the client's seq ranges read around the missing frame", async () => {
    const stream = (await remote.run(lateFault.uid)).stream("primary");
    assert.deepEqual(
      await stream.field("image", { seq: [3, 4] }),
      ndarray(new Float64Array(4).fill(3), [1, 2, 2]),
    );
    const table = await stream.read({ fill: true, seq: { from: 1, to: 2 } });
    assert.deepEqual(Array.from(table.column("seq_num") as ArrayLike<number>), [1]);
    await assert.rejects(stream.read({ fill: true, seq: [2, 3] }), NotFoundError);
  });

  test("a filling error before the body went out is a typed error", async () => {
    for (const run of [firstFault, lateFault]) {
      await assert.rejects(drain((await remote.run(run.uid)).documents({ fill: true })), (error) => {
        assert.ok(error instanceof NotFoundError, String(error));
        assert.match(error.message, run === firstFault ? /frames_0\.npy/ : /frames_1\.npy/);
        return true;
      });
    }
  });

  test("a filling error after the body began cuts it: the client says so, after what came before", async () => {
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const [name] of (await remote.run(cutFault.uid)).documents({ fill: true }))
          seen.push(name);
      })(),
      (error) => {
        assert.ok(error instanceof UnreadableError, String(error));
        assert.match(error.message, /stopped sending the run's documents part-way/);
        return true;
      },
    );
    assert.deepEqual(seen.slice(0, 3), ["start", "descriptor", "resource"]);
    assert.ok(seen.length < cutFault.documents.length);
    // Unfilled, the whole run comes.
    assert.equal(
      (await drain((await remote.run(cutFault.uid)).documents())).length,
      cutFault.documents.length,
    );
  });
});
