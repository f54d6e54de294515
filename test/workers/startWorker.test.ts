import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { startWorker } from "../../src/workers/startWorker.ts";

test("a TypeScript module runs in a worker thread and receives its data", async () => {
  const worker = startWorker(new URL("./echoWorker.ts", import.meta.url), { factor: 3 });
  worker.postMessage([1, 2, 3]);
  const [reply] = await once(worker, "message");
  assert.deepEqual(reply, [3, 6, 9]);
  await worker.terminate();
});
