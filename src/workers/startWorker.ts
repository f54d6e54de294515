// Starts a worker thread running a TypeScript module of this project (through typescriptWorker.mjs).
// Starting one costs ~150 ms (tsx registers and compiles in the new thread): callers keep theirs for long.
import { workerData as currentWorkerData, Worker } from "node:worker_threads";

const ENTRY = new URL("./typescriptWorker.mjs", import.meta.url);

/** A worker running `module` (a file URL of a .ts module); it finds `data` as `workerInput()`. */
export function startWorker(module: URL, data?: unknown): Worker {
  return new Worker(ENTRY, { workerData: { module: module.href, data } });
}

/** Inside a worker started by startWorker: the `data` it was given. */
export function workerInput<T>(): T {
  return (currentWorkerData as { data: T }).data;
}
