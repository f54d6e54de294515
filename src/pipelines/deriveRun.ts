// One input run through a processor into its derived run: the input's documents are routed to the processor
// in order, and what it writes is put into the target catalog in batches as it comes (so a live run's result
// grows with it). Every document is deterministic (DerivedRunWriter), so a derived run left half-written by a
// killed pipeline is completed by processing its input again: what was stored already is skipped.
import { setTimeout as sleep } from "node:timers/promises";
import type { Broker } from "../broker/Broker.ts";
import { DocumentRouter } from "../documents/router.ts";
import type { DocumentPair, RunStart, RunStop } from "../documents/types.ts";
import { rawProvenanceOf } from "../provenance/ProvenanceRecord.ts";
import { DerivedRunWriter } from "./DerivedRunWriter.ts";
import { derivedRunUid } from "./derivedIds.ts";
import type { Processor, ProcessorParams } from "./Processor.ts";

export interface Derivation {
  processor: Processor;
  params: ProcessorParams;
  /** Where derived runs are written (the input's catalog or another). */
  target: Broker;
  /** Provenance `created_by` of new derived runs; a half-written one keeps the one it was started with. */
  createdBy?: string;
  /** Copies of input runs into another target catalog accept Resources outside its file roots (trusted). */
  trustResourcePaths?: boolean;
}

export interface DerivedRunReport {
  input: string;
  uid: string;
  /** Input documents routed, and events the derived run holds. */
  documents: number;
  events: number;
  /** `derived`: the stop is stored; `unfinished`: the input ended (or the pipeline was stopped) before its stop. */
  outcome: "derived" | "unfinished";
}

/** Output rows gathered before a put, and the longest a result waits while input keeps coming. */
const BATCH_ROWS = 20_000;
const BATCH_MS = 1_000;
/** How long the input may pause before what was made is stored. */
const IDLE_MS = 100;

/** Whether `next` is still pending after IDLE_MS (the input pauses). */
async function idle(next: Promise<unknown>): Promise<boolean> {
  const waiting = new AbortController();
  const paused = sleep(IDLE_MS, true, { signal: waiting.signal }).catch(() => false);
  const answer = await Promise.race([next.then(() => false), paused]);
  waiting.abort();
  return answer;
}

/** The uid the derived run of `input` has under this processor and these parameters. */
export function derivedUidOf(
  input: string,
  { processor, params }: Pick<Derivation, "processor" | "params">,
): string {
  return derivedRunUid({ input, processor: processor.name, version: processor.version, params });
}

/** Whether the target holds the derived run of `input` whole (its stop is stored). */
export async function isDerived(input: string, derivation: Derivation): Promise<boolean> {
  return (await derivation.target.store.stop(derivedUidOf(input, derivation))) !== undefined;
}

/** Who started the derived run `uid` if part of it is stored: kept, so its start is written identically. */
async function storedCreator(target: Broker, uid: string): Promise<string | undefined> {
  const start = await target.store.start(uid);
  if (!start) return undefined;
  const record = rawProvenanceOf(start) as { created_by?: string } | undefined;
  return record?.created_by ?? "";
}

function timeOf(pair: DocumentPair): number | undefined {
  const time = (pair[1] as { time?: unknown }).time;
  if (typeof time === "number") return time;
  if (Array.isArray(time) && typeof time[0] === "number") return time[0];
  return undefined;
}

/**
 * Routes the documents of the run `input` (its start first) through the processor and stores the derived
 * run. Stops between two documents once `signal` aborts, storing what was made so far.
 */
export async function deriveRun(
  input: RunStart,
  documents: AsyncIterable<DocumentPair>,
  derivation: Derivation,
  signal?: AbortSignal,
): Promise<DerivedRunReport> {
  const { processor, params, target } = derivation;
  const uid = derivedUidOf(input.uid, derivation);
  const stored = await storedCreator(target, uid);
  const createdBy = stored === undefined ? derivation.createdBy : stored || undefined;
  const writer = new DerivedRunWriter({ uid, processor, params, createdBy });
  const created = processor.create(params, writer);
  const router = created instanceof DocumentRouter ? created : new DocumentRouter(created);
  let routed = 0;
  let lastPut = Date.now();
  const put = async () => {
    const batch = writer.take();
    if (batch.length > 0) await target.put(batch);
    lastPut = Date.now();
  };
  const iterator = documents[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = iterator.next();
      // A live input may pause for long: what was made so far is stored while it waits.
      if (writer.hasPending && (await idle(next))) await put();
      const result = await next;
      if (result.done) break;
      const pair = result.value;
      const [name, doc] = pair;
      writer.inputTime = timeOf(pair) ?? writer.inputTime;
      if (name === "start") writer.start(doc as RunStart);
      router.route(name, doc);
      routed++;
      if (name === "stop") {
        const stop = doc as RunStop;
        writer.stop(stop.time, stop.exit_status);
        break;
      }
      if (writer.pendingRows >= BATCH_ROWS || Date.now() - lastPut >= BATCH_MS) await put();
      if (signal?.aborted) break;
    }
  } finally {
    await iterator.return?.();
  }
  await put();
  return {
    input: input.uid,
    uid,
    documents: routed,
    events: writer.events,
    outcome: writer.stopped ? "derived" : "unfinished",
  };
}
