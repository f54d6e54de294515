// The entry of a JSON Lines parse worker (JsonLinesWorkerPool.ts starts it): parses each chunk it is sent
// and answers with the job's id, moving the bytes of number columns back rather than copying them.
import { parentPort } from "node:worker_threads";
import { type ChunkJob, parseJsonLinesChunk } from "./jsonLinesChunk.ts";

export interface WorkerRequest {
  id: number;
  job: ChunkJob;
}

parentPort?.on("message", ({ id, job }: WorkerRequest) => {
  const { result, transfer } = parseJsonLinesChunk(job);
  parentPort?.postMessage({ id, result }, transfer);
});
