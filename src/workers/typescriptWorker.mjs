// The entry of every worker thread: registers tsx, as bin/databroker.js does for the main thread, then loads
// the worker's TypeScript module (workerData.module). Plain JavaScript because nothing compiles it.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
