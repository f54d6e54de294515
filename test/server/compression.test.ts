// Which answers are compressed, over real HTTP on SQLite and PostgreSQL, when the client offers gzip as the
// Python client always does: JSON and CSV are; binary array data (Arrow, octet-stream) is sent as
// it is, since gzip costs far more time than the bytes it saves on numbers. Read back, both decode the same.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { tableFromIPC } from "apache-arrow";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { READ_CATALOGS } from "./readServer.ts";

const KEY = "compression_key_0123456789";
const EVENTS = 2_000;

/** A run of EVENTS events: a scalar `x` and a 16-channel `spectrum`, in pages of 500. */
function spectraRun(): { uid: string; documents: DocumentPair[] } {
  const run = composeRun({ time: 1_700_000_000 });
  const primary = run.composeDescriptor({
    data_keys: {
      x: { dtype: "number", shape: [], source: "sim:x" },
      spectrum: { dtype: "array", shape: [16], source: "sim:spectrum" },
    },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", primary.descriptor],
  ];
  for (let first = 0; first < EVENTS; first += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => first + i);
    documents.push([
      "event_page",
      primary.composeEventPage({
        time: rows.map((i) => 1_700_000_000 + i),
        data: {
          x: rows.map((i) => Math.sin(i / 7)),
          spectrum: rows.map((i) => Array.from({ length: 16 }, (_, c) => Math.cos(i * c))),
        },
        timestamps: {
          x: rows.map((i) => 1_700_000_000 + i),
          spectrum: rows.map((i) => 1_700_000_000 + i),
        },
      }),
    ]);
  }
  documents.push(["stop", run.composeStop()]);
  return { uid: run.start.uid, documents };
}

interface RawAnswer {
  status: number;
  encoding?: string;
  type?: string;
  body: Buffer;
}

/** A GET offering what Python's httpx offers, the answer's bytes as they came (not decompressed). */
function rawGet(port: number, path: string, accept: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: { authorization: `Apikey ${KEY}`, accept, "accept-encoding": "gzip, deflate" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            encoding: response.headers["content-encoding"],
            type: response.headers["content-type"],
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end();
  });
}

for (const catalog of READ_CATALOGS) {
  describe(`compression of answers over HTTP on ${catalog.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-compression-"));
    const run = spectraRun();
    let broker: Broker;
    let app: FastifyInstance;
    let port: number;

    before(async () => {
      broker = new Broker(await openStore(await catalog.uri(dir)));
      await broker.store.put(run.documents);
      app = await createServer({ broker, auth: { apiKey: KEY }, logger: false });
      await app.listen({ host: "127.0.0.1", port: 0 });
      port = (app.server.address() as { port: number }).port;
    });
    after(async () => {
      await app.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("Arrow tables are sent uncompressed and read back whole", async () => {
      const answer = await rawGet(
        port,
        `/api/v1/table/full/${run.uid}/primary/data`,
        "application/vnd.apache.arrow.file",
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.type, "application/vnd.apache.arrow.file");
      assert.equal(answer.encoding, undefined);
      const table = tableFromIPC(new Uint8Array(answer.body));
      assert.equal(table.numRows, EVENTS);
      assert.equal(table.getChild("x")?.get(7), Math.sin(1));
    });

    test("arrays as octet-stream are sent uncompressed: the float64 bytes themselves", async () => {
      const answer = await rawGet(
        port,
        `/api/v1/array/full/${run.uid}/primary/data/spectrum`,
        "application/octet-stream",
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.encoding, undefined);
      assert.equal(answer.body.length, EVENTS * 16 * 8);
      const values = new Float64Array(answer.body.buffer, answer.body.byteOffset, EVENTS * 16);
      assert.equal(values[3 * 16 + 5], Math.cos(15));
    });

    test("JSON and CSV answers are gzipped when offered, and decode to the same", async () => {
      const csv = await rawGet(port, `/api/v1/table/full/${run.uid}/primary/data?format=csv`, "text/csv");
      assert.equal(csv.encoding, "gzip");
      const lines = gunzipSync(csv.body).toString().trim().split("\n");
      assert.equal(lines.length, EVENTS + 1);
      const json = await rawGet(port, `/api/v1/metadata/${run.uid}`, "application/json");
      assert.equal(json.encoding, "gzip");
      assert.equal(JSON.parse(gunzipSync(json.body).toString()).data.id, run.uid);
      const array = await rawGet(
        port,
        `/api/v1/array/full/${run.uid}/primary/data/spectrum?format=application/json`,
        "application/json",
      );
      assert.equal(array.encoding, "gzip");
      assert.equal(JSON.parse(gunzipSync(array.body).toString()).length, EVENTS);
    });
  });
}
