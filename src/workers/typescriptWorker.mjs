// The entry of a worker thread when its module cannot be bundled (see startWorker.ts): registers tsx, as
// bin/databroker.js does for the main thread, then loads the worker's TypeScript module (workerData.module).
// Plain JavaScript because nothing compiles it.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
