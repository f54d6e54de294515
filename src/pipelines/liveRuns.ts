// What a pipeline reads of live data, in one place: the changes to the runs a view sees (new runs, stops) and
// one run's documents as they are stored, filled when the processor reads images (src/live/ follows them).
import type { Broker } from "../broker/Broker.ts";
import { filledDocuments } from "../broker/filledDocuments.ts";
import type { Run } from "../broker/Run.ts";
import { RunAssets } from "../broker/RunAssets.ts";
import type { DataKey, DocumentPair } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import type { FollowedDocument, RunChange } from "../live/types.ts";
import type { NDArray } from "../tables/NDArray.ts";

/** The changes to the runs `view` sees from now on (watched from this call), until `signal` aborts. */
export function runChanges(view: Broker, signal: AbortSignal): AsyncIterable<RunChange> {
  return view.subscribe({ signal });
}

/**
 * A run's external data while the run is written: RunAssets reads a resource's datums once, so a datum stored
 * after that (the next frame of a live run) is looked up again through fresh RunAssets. Each miss re-reads the
 * resource's datums: fine for a run's frames, quadratic for very long live runs (RunAssets should learn them).
 */
class LiveRunAssets {
  private assets: RunAssets;

  constructor(
    private readonly view: Broker,
    private readonly uid: string,
  ) {
    this.assets = this.fresh();
  }

  private fresh(): RunAssets {
    return new RunAssets(this.view.store, this.uid, this.view.assets);
  }

  async readDatum(datumId: string, dataKey?: DataKey): Promise<NDArray> {
    try {
      return await this.assets.readDatum(datumId, dataKey);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      this.assets = this.fresh();
      return await this.assets.readDatum(datumId, dataKey);
    }
  }
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
  if (!options.fill) return documents;
  // filledDocuments only calls readDatum, which LiveRunAssets offers.
  return filledDocuments(documents, new LiveRunAssets(view, run.uid) as unknown as RunAssets);
}
