// A worker for startWorker.test.ts: multiplies the numbers it is sent by the factor it was started with.
import { parentPort } from "node:worker_threads";
import { workerInput } from "../../src/workers/startWorker.ts";

const { factor } = workerInput<{ factor: number }>();
parentPort?.on("message", (numbers: number[]) => {
  parentPort?.postMessage(numbers.map((n) => n * factor));
  parentPort?.close();
});
