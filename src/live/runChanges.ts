// A broker's subscription: the starts and stops of the runs its view sees (its search and access filter),
// from the moment of subscribing. Each store notice names the runs started and stopped; the view is asked
// which of them it sees, and their summaries. Notices wait in a bounded queue: a consumer that falls
// MAX_PENDING notices behind gets LaggedError, never unbounded memory.
import type { Broker } from "../broker/Broker.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import { LaggedError } from "../errors.ts";
import { inQuery } from "../queries/kinds/in.ts";
import type { RunsChanged } from "../storage/RunChanges.ts";
import { LiveHub } from "./LiveHub.ts";
import type { RunChange, SubscribeOptions } from "./types.ts";
import { Wakeup } from "./Wakeup.ts";

/** Notices a subscriber may have waiting before it is told it lagged. */
export const MAX_PENDING = 10_000;
/** Runs looked up per search. */
const LOOKUP_CHUNK = 500;

/**
 * Subscribes at once (not at the first `next`): what is stored after this call is heard even when iteration
 * begins later. Unsubscribes when the iteration ends or `signal` aborts.
 */
export function runChanges(broker: Broker, options: SubscribeOptions = {}): AsyncIterable<RunChange> {
  const pending: RunsChanged[] = [];
  let lagged = false;
  const wakeup = new Wakeup();
  const unsubscribe = LiveHub.of(broker.store).subscribe((change) => {
    if (change.started.length + change.stopped.length === 0) return;
    if (pending.length >= MAX_PENDING) lagged = true;
    else pending.push(change);
    wakeup.notify();
  });
  options.signal?.addEventListener("abort", unsubscribe, { once: true });
  async function* changes(): AsyncGenerator<RunChange> {
    try {
      while (!options.signal?.aborted) {
        if (lagged)
          throw new LaggedError(
            `this subscriber fell more than ${MAX_PENDING} notices behind; subscribe again and search for what was missed`,
          );
        const change = pending.shift();
        if (!change) {
          if (!(await wakeup.wait(options.signal))) return;
          continue;
        }
        const uids = [...new Set([...change.started, ...change.stopped])];
        const seen = await summariesOf(broker, uids);
        for (const uid of uids) {
          const summary = seen.get(uid);
          if (!summary) continue;
          if (change.started.includes(uid)) yield { kind: "start", summary };
          if (change.stopped.includes(uid) && summary.stop) yield { kind: "stop", summary };
        }
      }
    } finally {
      unsubscribe();
    }
  }
  return { [Symbol.asyncIterator]: changes };
}

/** The summaries of those of `uids` the broker sees. */
async function summariesOf(broker: Broker, uids: string[]): Promise<Map<string, RunSummary>> {
  const found = new Map<string, RunSummary>();
  for (let at = 0; at < uids.length; at += LOOKUP_CHUNK) {
    const chunk = uids.slice(at, at + LOOKUP_CHUNK);
    for await (const summary of broker.search(inQuery("uid", chunk)).summaries())
      found.set(summary.uid, summary);
  }
  return found;
}
