// The entry of a JSON Lines parse worker (JsonLinesWorkerPool.ts starts it): says it is ready once loaded,
// then parses each chunk it is sent and answers with the job's id, moving number columns rather than copying.
import { parentPort } from "node:worker_threads";
import { type ChunkJob, type ChunkResult, parseJsonLinesChunk } from "./jsonLinesChunk.ts";

export interface WorkerRequest {
  id: number;
  job: ChunkJob;
}

export type WorkerReply = { ready: true } | { id: number; result: ChunkResult };

parentPort?.on("message", ({ id, job }: WorkerRequest) => {
  const { result, transfer } = parseJsonLinesChunk(job);
  const reply: WorkerReply = { id, result };
  parentPort?.postMessage(reply, transfer);
});
const ready: WorkerReply = { ready: true };
parentPort?.postMessage(ready);
