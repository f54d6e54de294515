// Closing the server does not wait on a connection that never sent a request (what undici leaves after an
// aborted download): before, the close waited for Node's headers timeout, about a minute.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";

test("close does not wait on a connection that never sent a request", async () => {
  const broker = new Broker(new MemoryStore());
  const app = await createServer({ broker, auth: { public: true }, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const silent = connect(port, "127.0.0.1");
  await once(silent, "connect");
  const used = await fetch(`http://127.0.0.1:${port}/api/v1/`);
  assert.equal(used.status, 200);
  await used.text();
  const closed = once(silent, "close");
  await Promise.race([
    app.close(),
    sleep(10_000).then(() => assert.fail("close still waiting 10 s on a silent connection")),
  ]);
  await closed;
  await broker.close();
});
