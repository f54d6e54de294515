// What a pipeline needs of live data, in one place: the changes to the runs a view sees (new runs, stops) and
// one run's documents as they are stored, filled when the processor reads images. Built on the broker's
// `subscribe` and the run's `follow` (src/live/); the only module of the pipelines that knows them.
import type { Broker } from "../broker/Broker.ts";
import { filledDocuments } from "../broker/filledDocuments.ts";
import type { Run } from "../broker/Run.ts";
import { RunAssets } from "../broker/RunAssets.ts";
import type { DocumentPair } from "../documents/types.ts";
import { UnsupportedError } from "../errors.ts";
import type { FollowedDocument, FollowOptions, RunChange, SubscribeOptions } from "../live/types.ts";

/** The live methods as the broker and the run offer them. */
interface Subscribing {
  subscribe(options?: SubscribeOptions): AsyncIterable<RunChange>;
}
interface Following {
  follow(options?: FollowOptions): AsyncIterable<FollowedDocument>;
}

/** Whether this catalog can follow live data (it can not before the live API exists, or over some stores). */
export function canFollow(view: Broker): boolean {
  return typeof (view as Partial<Subscribing>).subscribe === "function";
}

/** The changes to the runs `view` sees from now on, until `signal` aborts. */
export function runChanges(view: Broker, signal: AbortSignal): AsyncIterable<RunChange> {
  if (!canFollow(view)) throw new UnsupportedError("this catalog cannot follow live runs: use --once");
  return (view as unknown as Subscribing).subscribe({ signal });
}

async function* pairsOf(followed: AsyncIterable<FollowedDocument>): AsyncGenerator<DocumentPair> {
  for await (const { name, doc } of followed) yield [name, doc] as DocumentPair;
}

/**
 * The run's documents from its start: those stored, then each as it is stored, ending after the stop (or when
 * `signal` aborts); external data filled when `fill`. A run that cannot be followed is replayed.
 */
export function followedDocuments(
  view: Broker,
  run: Run,
  options: { fill?: boolean; signal?: AbortSignal },
): AsyncIterable<DocumentPair> {
  const follow = (run as unknown as Partial<Following>).follow;
  if (typeof follow !== "function") return run.documents({ fill: options.fill });
  const documents = pairsOf(follow.call(run, { signal: options.signal }));
  return options.fill
    ? filledDocuments(documents, new RunAssets(view.store, run.uid, view.assets))
    : documents;
}
