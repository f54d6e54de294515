// Worker threads that parse chunks of JSON Lines (jsonLinesWorker.ts). Workers start when first needed (each
// costs ~150 ms) and are kept for later reads; an idle worker is unref'd so it never keeps the process alive.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../workers/startWorker.ts";
import { type StopCause, WorkerRequests } from "../../workers/WorkerRequests.ts";
import type { ChunkJob, ChunkResult } from "./jsonLinesChunk.ts";
import type { WorkerReply, WorkerRequest } from "./jsonLinesWorker.ts";

interface PoolWorker {
  /** Its jobs, sent and answered by id. */
  jobs: WorkerRequests<WorkerReply>;
  /** Whether its module has loaded (it said so): jobs sent now start at once. */
  ready: boolean;
}

/** The error of a worker's waiting jobs once it is gone. */
function workerStopped(cause: StopCause): Error {
  const reason =
    cause.event === "exit" ? `stopped (exit code ${cause.code})` : `failed: ${cause.error.message}`;
  const error = cause.event === "exit" ? undefined : cause.error;
  return new Error(`a JSON Lines parse worker ${reason} before answering`, error && { cause: error });
}

/** Starts one parse worker; the pool calls it when it needs another. */
export type WorkerStarter = () => Worker;

export const startParseWorker: WorkerStarter = () =>
  startWorker(new URL("./jsonLinesWorker.ts", import.meta.url));

/**
 * A fixed-size pool of parse workers; a job goes to the least busy worker, a ready one if any. Starting a
 * worker takes a while (~150 ms, more on a busy machine): `warm` starts them and `isReady` says when one can
 * take jobs, so that a reader can parse on its own thread meanwhile.
 */
export class JsonLinesWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private sent = 0;

  /** Jobs sent to workers so far. */
  get jobsSent(): number {
    return this.sent;
  }

  /** Jobs sent and not answered yet (0 when every worker is idle). */
  get jobsWaiting(): number {
    return this.workers.reduce((sum, { jobs }) => sum + jobs.pending, 0);
  }

  /** Whether workers have been started (they may still be loading). */
  get isStarted(): boolean {
    return this.workers.length > 0;
  }

  /** Whether a worker is ready to start a job at once. */
  get isReady(): boolean {
    return this.workers.some((entry) => entry.ready);
  }

  constructor(
    readonly size: number,
    private readonly start: WorkerStarter = startParseWorker,
  ) {}

  /** Starts the workers not started yet (they do not keep the process alive while idle). */
  warm(): void {
    while (this.workers.length < this.size) this.added();
  }

  /** Reads and parses a chunk in a worker; rejects if the worker stops before answering. */
  parse(job: ChunkJob): Promise<ChunkResult> {
    this.sent++;
    return this.pick().jobs.send<ChunkResult>((id): WorkerRequest => ({ id, job }));
  }

  /** Stops every worker (jobs still waiting are rejected); the pool starts new ones if used again. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ jobs }) => jobs.worker.terminate()));
  }

  private pick(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const candidate of this.workers) {
      if (best === undefined || isBetter(candidate, best)) best = candidate;
    }
    if (best !== undefined && (best.jobs.pending === 0 || this.workers.length >= this.size)) return best;
    return this.added();
  }

  private added(): PoolWorker {
    const worker = this.start();
    const entry: PoolWorker = {
      ready: false,
      jobs: new WorkerRequests<WorkerReply>(worker, {
        onMessage: (reply) => {
          if ("ready" in reply) entry.ready = true;
          else entry.jobs.answer(reply.id, reply.result);
        },
        stopped: workerStopped,
      }),
    };
    worker.on("exit", () => this.workers.splice(this.workers.indexOf(entry), 1));
    this.workers.push(entry);
    return entry;
  }
}

/** A ready worker before one still starting, then the one with fewer jobs waiting. */
function isBetter(candidate: PoolWorker, than: PoolWorker): boolean {
  if (candidate.ready !== than.ready) return candidate.ready;
  return candidate.jobs.pending < than.jobs.pending;
}

let shared: JsonLinesWorkerPool | undefined;

/**
 * The process-wide pool readDocuments uses: two workers where there are two cores or more (measured on two
 * cores: two parse the bench file in about 40% less time than one, though they share a core with the main
 * thread).
 */
export function sharedJsonLinesPool(): JsonLinesWorkerPool {
  shared ??= new JsonLinesWorkerPool(Math.max(1, Math.min(2, availableParallelism())));
  return shared;
}
