// databroker's own `numbers=exact` on /search and /metadata: NaN, ±Infinity and -0 of a run's start written
// as Python's json writes them (what our client reads back exactly); without it, standard JSON for browsers.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import { parseJson } from "../../src/documents/formats/parseJson.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";

describe("numbers=exact", () => {
  const composed = composeRun({ plan_name: "odd numbers", offset: -0, gain: Number.NaN, limit: -Infinity });
  let app: FastifyInstance;
  let broker: Broker;

  before(async () => {
    const store = new MemoryStore();
    await store.put([
      ["start", composed.start],
      ["stop", composed.composeStop()],
    ]);
    broker = new Broker(store);
    app = await createServer({ broker, auth: { public: true }, logger: false });
  });
  after(async () => {
    await app.close();
    await broker.close();
  });

  const startOf = (route: string, body: string): Record<string, unknown> => {
    const parsed = parseJson(body) as { data: unknown };
    const item = (route === "search" ? (parsed.data as unknown[])[0] : parsed.data) as {
      attributes: { metadata: { start: Record<string, unknown> } };
    };
    return item.attributes.metadata.start;
  };

  for (const route of ["search", "metadata/"]) {
    const path = route === "search" ? "/api/v1/search/" : `/api/v1/metadata/${composed.start.uid}`;
    test(`${route}: exact when asked, standard JSON otherwise`, async () => {
      const exact = await app.inject({ url: `${path}?numbers=exact` });
      assert.equal(exact.statusCode, 200);
      assert.equal(exact.headers["content-type"], "application/json");
      const start = startOf(route, exact.body);
      assert.ok(Object.is(start.offset, -0));
      assert.ok(Number.isNaN(start.gain));
      assert.equal(start.limit, Number.NEGATIVE_INFINITY);

      const plain = await app.inject({ url: path });
      const standard = startOf(route, plain.body);
      JSON.parse(plain.body); // a browser's parser reads it
      assert.ok(Object.is(standard.offset, 0));
      assert.equal(standard.gain, null);
      assert.equal(standard.limit, null);
    });
  }
});
