// One run as users hold it (the seed's Header): start, stop and descriptors as read when it was looked up,
// its streams, device configuration, a summary, and the documents replayed (optionally filled).
import type { AssetReader } from "../assets/AssetReader.ts";
import type { DocumentPair, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import { LiveHub } from "../live/LiveHub.ts";
import type { FollowedDocument, FollowOptions } from "../live/types.ts";
import { type ProvenanceView, provenanceViewOf } from "../provenance/ProvenanceRecord.ts";
import type { ReadableRuns } from "../provenance/ReadableRuns.ts";
import type { Store } from "../storage/Store.ts";
import { filledDocuments } from "./filledDocuments.ts";
import { RunAssets } from "./RunAssets.ts";
import { RunDescription, type RunOverview, streamNameOf } from "./RunDescription.ts";
import { Stream } from "./Stream.ts";

/** What a Run is made from: the metadata documents, and event counts when the lookup already had them. */
export interface RunRecord {
  start: RunStart;
  stop: RunStop | null;
  descriptors: EventDescriptor[];
  /** Events per stream name, as the store counts them. */
  streams?: Record<string, number>;
}

export class Run extends RunDescription {
  private readonly assets: RunAssets;
  private readonly streams = new Map<string, Stream>();
  private eventCounts?: Promise<Record<string, number>>;

  constructor(
    private readonly store: Store,
    reader: AssetReader,
    record: RunRecord,
    /** The view the run was looked up in: its replayed start is shown as `start` is (provenance inputs). */
    private readonly view?: ReadableRuns,
  ) {
    super(record.start, record.stop, record.descriptors);
    this.assets = new RunAssets(store, this.uid, reader);
    if (record.streams) this.eventCounts = Promise.resolve(record.streams);
  }

  /** Reads a run's stop and descriptors from the store. */
  static async load(
    store: Store,
    reader: AssetReader,
    start: RunStart,
    known: Partial<RunRecord> = {},
    view?: ReadableRuns,
  ): Promise<Run> {
    const stop = known.stop !== undefined ? known.stop : ((await store.stop(start.uid)) ?? null);
    const descriptors = known.descriptors ?? (await store.descriptors(start.uid));
    return new Run(store, reader, { start, stop, descriptors, streams: known.streams }, view);
  }

  /**
   * The run's documents as they are stored, numbered from 1 (the start): those after `after` first, then each
   * new one until the stop (or until `signal` aborts). Followers of one run share one reader per process.
   */
  follow(options: FollowOptions = {}): AsyncIterable<FollowedDocument> {
    return LiveHub.of(this.store).follow(this.uid, options.after ?? 0, options.signal);
  }

  /**
   * The provenance record of a derived run (undefined for any other): inputs the broker's principal may
   * not read appear as {inaccessible: true}; `created_by` null when the writer left it out.
   */
  provenance(): ProvenanceView | undefined {
    return provenanceViewOf(this.start);
  }

  stream(name: string): Stream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new Stream(this.store, this.assets, name, this.streamDescriptors(name));
      this.streams.set(name, stream);
    }
    return stream;
  }

  /**
   * One descriptor's events alone, as a Stream of its own: statistics are kept per descriptor, so `databroker
   * index` reads them descriptor by descriptor. NotFoundError when the run has no such descriptor.
   */
  descriptorStream(descriptorUid: string): Stream {
    const descriptor = this.descriptors.find((candidate) => candidate.uid === descriptorUid);
    if (!descriptor) throw new NotFoundError(`run ${this.uid} has no descriptor ${descriptorUid}`);
    return new Stream(this.store, this.assets, streamNameOf(descriptor), [descriptor]);
  }

  /** The documents in their original order; with `fill`, Resource-backed keys hold their arrays. */
  documents(options: { fill?: boolean } = {}): AsyncIterable<DocumentPair> {
    const stored = this.store.documents(this.uid);
    const documents = this.view?.enforced ? this.view.shownDocuments(stored) : stored;
    return options.fill ? filledDocuments(documents, this.assets) : documents;
  }

  /** Duration, events per stream and exit status. */
  async summary(): Promise<RunOverview> {
    this.eventCounts ??= this.countEvents();
    return this.overview(await this.eventCounts);
  }

  /** The store counts events per stream in its run listing; this run's entry is found by its uid. */
  private async countEvents(): Promise<Record<string, number>> {
    for await (const summary of this.store.runs({ op: "eq", key: "uid", value: this.uid }, { limit: 1 }))
      return summary.streams;
    return {};
  }
}
