// The limits of one ingest request over HTTP, on SQLite and PostgreSQL: a body past its limit is 413 (counted
// as it streams in, or told by Content-Length), a document, a metadata string or a document count past its
// limit is 422, each naming the limit and how to raise it, and nothing of the request is stored. The
// defaults refuse a 50 MB string in a start but pass event data of any string or array size.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pack } from "msgpackr";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import {
  DEFAULT_INGEST_LIMITS,
  type IngestLimits,
  ingestLimitsOf,
} from "../../src/server/ingest/ingestLimits.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { KEY, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS, type ReadCatalog } from "./readServer.ts";

interface LimitServer {
  post(
    body: Buffer | string | ReadableStream<Uint8Array>,
    type?: string,
  ): Promise<{ status: number; text: string }>;
  isStored(uid: string): Promise<boolean>;
  close(): Promise<void>;
}

async function startServer(catalog: ReadCatalog, limits?: Partial<IngestLimits>): Promise<LimitServer> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-limits-"));
  const broker = new Broker(await openStore(await catalog.uri(dir)));
  const app = await createServer({ broker, auth: { apiKey: KEY }, limits });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const api = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/api/v1`;
  return {
    async post(body, type = "application/json") {
      const response = await fetch(`${api}/documents/`, {
        method: "POST",
        headers: { ...WITH_KEY, "content-type": type },
        body,
        duplex: "half",
      } as RequestInit);
      return { status: response.status, text: await response.text() };
    },
    async isStored(uid) {
      const response = await fetch(`${api}/metadata/${uid}`, { headers: WITH_KEY });
      await response.arrayBuffer();
      return response.status === 200;
    },
    async close() {
      await app.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const start = (uid: string, extra: Record<string, unknown> = {}) => [
  "start",
  { uid, time: 1700000000.5, ...extra },
];

function jsonArray(pairs: unknown[]): string {
  return JSON.stringify(pairs);
}

/** A body sent in pieces without a Content-Length, so that only counting as it arrives can refuse it. */
function streamed(text: string, pieces = 16): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / pieces);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

function detailOf(answer: { text: string }): string {
  return JSON.parse(answer.text).detail;
}

test("limits come from the options given, else the environment, else the defaults", () => {
  const env = { DATABROKER_MAX_BODY_BYTES: "5000", DATABROKER_MAX_DOCUMENTS: "7" };
  assert.deepEqual(ingestLimitsOf({ maxDocuments: 3, maxStringLength: undefined }, env), {
    ...DEFAULT_INGEST_LIMITS,
    maxBodyBytes: 5000,
    maxDocuments: 3,
  });
  assert.throws(
    () => ingestLimitsOf({}, { DATABROKER_MAX_DOCUMENT_BYTES: "lots" }),
    /DATABROKER_MAX_DOCUMENT_BYTES/,
  );
});

for (const catalog of READ_CATALOGS) {
  describe(`ingest limits over HTTP (${catalog.name})`, () => {
    let small: LimitServer;
    let defaults: LimitServer;
    before(async () => {
      small = await startServer(catalog, {
        maxBodyBytes: 5_000,
        maxDocumentBytes: 2_000,
        maxStringLength: 100,
        maxDocuments: 5,
      });
      defaults = await startServer(catalog);
    });
    after(async () => {
      await small.close();
      await defaults.close();
    });

    test("a body past the limit: 413 naming the limit and its flag, as it streams in or by Content-Length", async () => {
      // Five documents, each within the other limits, past the body's.
      const numbers = Array.from({ length: 300 }, (_, i) => i);
      const body = jsonArray(Array.from({ length: 5 }, (_, i) => start(`too-long-${i}`, { numbers })));
      for (const sent of [body, streamed(body)]) {
        const answer = await small.post(sent);
        assert.equal(answer.status, 413, answer.text);
        assert.match(
          detailOf(answer),
          /larger than 5000 bytes.*--max-body-bytes N or DATABROKER_MAX_BODY_BYTES/,
        );
      }
      assert.equal(await small.isStored("too-long-0"), false);
    });

    test("a document past the limit, in each format: 422 naming the limit, its flag and where", async () => {
      const pairs = [
        start("before"),
        start("big-doc", { plan_args: Array.from({ length: 1000 }, (_, i) => i) }),
      ];
      const bodies: Array<[string, string | Buffer, RegExp]> = [
        ["application/json", jsonArray(pairs), /byte \d+/],
        ["application/json-seq", pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""), /line 2/],
        ["application/x-msgpack", Buffer.concat(pairs.map((pair) => pack(pair))), /byte \d+/],
      ];
      for (const [type, body, where] of bodies) {
        const answer = await small.post(body, type);
        assert.equal(answer.status, 422, `${type}: ${answer.text}`);
        const detail = detailOf(answer);
        assert.match(detail, where);
        assert.match(
          detail,
          /more than the 2000 bytes one document may take.*--max-document-bytes N or DATABROKER_MAX_DOCUMENT_BYTES/,
        );
      }
      assert.equal(await small.isStored("before"), false);
    });

    test("a metadata string or key past the limit: 422 naming the document, the path and the limit", async () => {
      const answer = await small.post(
        jsonArray([start("long-string", { plan_args: { note: "n".repeat(101) } })]),
      );
      assert.equal(answer.status, 422, answer.text);
      assert.match(
        detailOf(answer),
        /document 0 \(start\): the string at plan_args\.note holds 101 characters, more than the 100 .*--max-string-length N or DATABROKER_MAX_STRING_LENGTH/,
      );
      const key = await small.post(jsonArray([start("long-key", { ["k".repeat(101)]: 1 })]));
      assert.equal(key.status, 422, key.text);
      assert.match(detailOf(key), /a key of the document holds 101 characters/);
      assert.equal(await small.isStored("long-string"), false);
    });

    test("more documents than the limit: 422 naming the limit and its flag", async () => {
      const pairs = Array.from({ length: 6 }, (_, i) => start(`count-${i}`));
      const answer = await small.post(streamed(jsonArray(pairs)));
      assert.equal(answer.status, 422, answer.text);
      assert.match(
        detailOf(answer),
        /more than 5 documents in one request.*--max-documents N or DATABROKER_MAX_DOCUMENTS/,
      );
      assert.equal(await small.isStored("count-0"), false);
      assert.equal((await small.post(jsonArray(pairs.slice(0, 5)))).status, 200);
    });

    test("defaults: a 50 MB string in a start is refused; event data of long strings and large arrays pass", async () => {
      const refused = await defaults.post(jsonArray([start("fifty", { note: "x".repeat(50_000_000) })]));
      assert.equal(refused.status, 422, refused.text.slice(0, 300));
      assert.match(detailOf(refused), /the string at note holds 50000000 characters, more than the 1048576/);
      assert.equal(await defaults.isStored("fifty"), false);
      const uid = "big-event-data";
      const values = Array.from({ length: 200_000 }, (_, i) => i / 7);
      const run = [
        start(uid),
        [
          "descriptor",
          {
            uid: `${uid}-d`,
            run_start: uid,
            time: 1700000000.6,
            name: "primary",
            data_keys: {
              image: { dtype: "array", shape: [values.length], source: "s" },
              label: { dtype: "string", shape: [], source: "s" },
            },
          },
        ],
        [
          "event_page",
          {
            uid: [`${uid}-e1`, `${uid}-e2`],
            descriptor: `${uid}-d`,
            time: [1700000000.7, 1700000000.8],
            seq_num: [1, 2],
            data: { image: [values, values], label: ["l".repeat(2_000_000), "m"] },
            timestamps: { image: [1700000000.7, 1700000000.8], label: [1700000000.7, 1700000000.8] },
            filled: {},
          },
        ],
        ["stop", { uid: `${uid}-s`, run_start: uid, time: 1700000001, exit_status: "success" }],
      ];
      const accepted = await defaults.post(jsonArray(run));
      assert.equal(accepted.status, 200, accepted.text.slice(0, 500));
      assert.equal(await defaults.isStored(uid), true);
    });
  });
}
