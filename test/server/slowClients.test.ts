// Clients that are slow or stop half-way, over real HTTP on SQLite and PostgreSQL: an upload that stalls is
// cut with a 408 and stores nothing; while a large upload is stalled past its first slice, other writers
// are not blocked; a slow but steady upload still lands; a connection that sends nothing is closed.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { READ_CATALOGS } from "./readServer.ts";

const KEY = "slow_client_key_0123456789";
const BODY_IDLE_MS = 400;

/** A run as JSON Lines: start, a primary descriptor, `events` single events, stop. */
function runLines(uid: string, events: number): string[] {
  const descriptor = `${uid}-d`;
  const lines = [
    JSON.stringify(["start", { uid, time: 1_700_000_000, scan_id: 1, plan_name: "count" }]),
    JSON.stringify([
      "descriptor",
      {
        uid: descriptor,
        run_start: uid,
        time: 1_700_000_000,
        name: "primary",
        data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
      },
    ]),
  ];
  for (let i = 1; i <= events; i++) {
    lines.push(
      JSON.stringify([
        "event",
        {
          uid: `${uid}-e${i}`,
          descriptor,
          seq_num: i,
          time: 1_700_000_000 + i,
          data: { x: i * 0.5 },
          timestamps: { x: 1_700_000_000 + i },
        },
      ]),
    );
  }
  lines.push(
    JSON.stringify([
      "stop",
      { uid: `${uid}-s`, run_start: uid, time: 1_700_100_000, exit_status: "success" },
    ]),
  );
  return lines.map((line) => `${line}\n`);
}

interface Upload {
  write(text: string): void;
  end(): void;
  answer: Promise<{ status: number; body: Record<string, unknown> }>;
}

/** A POST whose body the test writes piece by piece. */
function upload(port: number): Upload {
  let resolveAnswer!: (answer: { status: number; body: Record<string, unknown> }) => void;
  let rejectAnswer!: (error: Error) => void;
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  const request = httpRequest(
    {
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/v1/documents/",
      headers: { authorization: `Apikey ${KEY}`, "content-type": "application/json-seq" },
    },
    (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolveAnswer({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    },
  );
  request.on("error", rejectAnswer);
  return { write: (text) => request.write(text), end: () => request.end(), answer };
}

/** `promise`, or a failure naming `what` when it has not settled after `ms` (a hang, not a timing). */
async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const hang = sleep(ms).then(() => {
    throw new Error(`${what} still waiting after ${ms / 1000} s`);
  });
  return Promise.race([promise, hang]);
}

for (const catalog of READ_CATALOGS) {
  describe(`slow clients over HTTP on ${catalog.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-slow-"));
    let broker: Broker;
    let app: FastifyInstance;
    let port: number;

    before(async () => {
      broker = new Broker(await openStore(await catalog.uri(dir)));
      app = await createServer({
        broker,
        auth: { apiKey: KEY },
        timeouts: { bodyIdleMs: BODY_IDLE_MS, socketIdleMs: 1_500 },
        logger: false,
      });
      await app.listen({ host: "127.0.0.1", port: 0 });
      port = (app.server.address() as { port: number }).port;
    });
    after(async () => {
      await app.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("an upload that stops half-way is cut with a 408 and stores nothing", async () => {
      const before = await broker.count();
      const lines = runLines("stalled-run-0001", 50);
      const stalled = upload(port);
      stalled.write(lines.slice(0, 20).join(""));
      const answer = await settlesWithin(stalled.answer, 20_000, "the stalled upload");
      assert.equal(answer.status, 408);
      assert.match(String(answer.body.detail), /no data for 0\.4 s; the upload was cut, nothing stored/);
      assert.equal(await broker.count(), before);
    });

    test("while a large upload stalls past its first slices, another writer's run is stored", async () => {
      // A server that waits long on the stalled client: the other writer must not wait with it.
      const patient = await createServer({
        broker,
        auth: { apiKey: KEY },
        timeouts: { bodyIdleMs: 60_000 },
        logger: false,
      });
      await patient.listen({ host: "127.0.0.1", port: 0 });
      const patientPort = (patient.server.address() as { port: number }).port;
      try {
        // 60,000 events: three slices of 20,000 documents, so a put reading them from the client would hold
        // its write transaction open while the client stalls.
        const lines = runLines("large-run-0001", 60_000);
        const large = upload(patientPort);
        large.write(lines.slice(0, 59_000).join(""));
        await sleep(1_000);
        const other = upload(patientPort);
        other.write(runLines("other-run-0001", 3).join(""));
        other.end();
        const otherAnswer = await settlesWithin(
          other.answer,
          10_000,
          "the other writer, beside a stalled upload,",
        );
        assert.equal(otherAnswer.status, 200, JSON.stringify(otherAnswer.body));
        large.write(lines.slice(59_000).join(""));
        large.end();
        const largeAnswer = await settlesWithin(large.answer, 60_000, "the large upload");
        assert.equal(largeAnswer.status, 200, JSON.stringify(largeAnswer.body));
        assert.equal(largeAnswer.body.events, 60_000);
        const run = await broker.run("large-run-0001");
        assert.equal((await run.stream("primary").read()).length, 60_000);
      } finally {
        await patient.close();
      }
    });

    test("a slow but steady upload lands", async () => {
      const lines = runLines("steady-run-0001", 12);
      const steady = upload(port);
      for (const line of lines) {
        steady.write(line);
        await sleep(BODY_IDLE_MS / 4);
      }
      steady.end();
      const answer = await settlesWithin(steady.answer, 20_000, "the steady upload");
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.stored, lines.length);
    });

    test("the idle limit of sockets does not cut a request being worked on: the body has its own", async () => {
      // Sockets idle for 300 ms are closed, bodies may rest 3 s: an upload pausing 600 ms between parts lands.
      const strict = await createServer({
        broker,
        auth: { apiKey: KEY },
        timeouts: { bodyIdleMs: 3_000, socketIdleMs: 300 },
        logger: false,
      });
      await strict.listen({ host: "127.0.0.1", port: 0 });
      try {
        const lines = runLines("pausing-run-0001", 4);
        const pausing = upload((strict.server.address() as { port: number }).port);
        for (const line of lines) {
          pausing.write(line);
          await sleep(600);
        }
        pausing.end();
        const answer = await settlesWithin(pausing.answer, 20_000, "the pausing upload");
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(answer.body.stored, lines.length);
      } finally {
        await strict.close();
      }
    });

    test("a connection that sends half a request line and then nothing is closed", async () => {
      const socket = connect(port, "127.0.0.1");
      socket.write("GET /api/v1/search/ HTTP/1.1\r\nHost: x\r\n");
      const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
      socket.resume();
      await settlesWithin(closed, 30_000, "the idle connection");
    });
  });
}
