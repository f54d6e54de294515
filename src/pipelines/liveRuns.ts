// What a pipeline reads of live data, in one place: the changes to the runs a view sees (new runs, stops) and
// one run's documents as they are stored, filled when the processor reads images (src/live/ follows them).
import type { Broker } from "../broker/Broker.ts";
import { filledDocuments } from "../broker/filledDocuments.ts";
import type { Run } from "../broker/Run.ts";
import { RunAssets } from "../broker/RunAssets.ts";
import type { DocumentPair } from "../documents/types.ts";
import type { FollowedDocument, RunChange } from "../live/types.ts";

/** The changes to the runs `view` sees from now on (watched from this call), until `signal` aborts. */
export function runChanges(view: Broker, signal: AbortSignal): AsyncIterable<RunChange> {
  return view.subscribe({ signal });
}

async function* pairsOf(followed: AsyncIterable<FollowedDocument>): AsyncGenerator<DocumentPair> {
  for await (const { name, doc } of followed) yield [name, doc] as DocumentPair;
}

/**
 * The run's documents from its start: those stored, then each as it is stored, ending after the stop (or when
 * `signal` aborts); external data filled when `fill`.
 */
export function followedDocuments(
  view: Broker,
  run: Run,
  options: { fill?: boolean; signal?: AbortSignal },
): AsyncIterable<DocumentPair> {
  const documents = pairsOf(run.follow({ signal: options.signal }));
  return options.fill
    ? filledDocuments(documents, new RunAssets(view.store, run.uid, view.assets))
    : documents;
}
