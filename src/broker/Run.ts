// One run as users hold it (the seed's Header): start, stop and descriptors as read when it was looked up,
// its streams, device configuration, a summary, and the documents replayed (optionally filled).
import type { AssetReader } from "../assets/AssetReader.ts";
import type { DocumentPair, EventDescriptor, ExitStatus, RunStart, RunStop } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import type { Store } from "../storage/Store.ts";
import { configurationOf, devicesOf } from "./configuration.ts";
import { filledDocuments } from "./filledDocuments.ts";
import { RunAssets } from "./RunAssets.ts";
import { Stream } from "./Stream.ts";

/** What a Run is made from: the metadata documents, and event counts when the lookup already had them. */
export interface RunRecord {
  start: RunStart;
  stop: RunStop | null;
  descriptors: EventDescriptor[];
  /** Events per stream name, as the store counts them. */
  streams?: Record<string, number>;
}

export interface RunOverview {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  /** Seconds from start to stop; null while the run has no stop. */
  duration: number | null;
  /** Events stored per stream (streams without events show 0). */
  events: Record<string, number>;
  /** null while the run has no stop (still running, or it crashed). */
  exit_status: ExitStatus | null;
  reason: string | null;
}

/** The stream of a descriptor; an unnamed one is "primary", as in databroker. */
export function streamNameOf(descriptor: EventDescriptor): string {
  return typeof descriptor.name === "string" ? descriptor.name : "primary";
}

export class Run {
  readonly uid: string;
  readonly start: RunStart;
  readonly stop: RunStop | null;
  readonly descriptors: readonly EventDescriptor[];
  private readonly assets: RunAssets;
  private readonly streams = new Map<string, Stream>();
  private eventCounts?: Promise<Record<string, number>>;

  constructor(
    private readonly store: Store,
    reader: AssetReader,
    record: RunRecord,
  ) {
    this.uid = record.start.uid;
    this.start = record.start;
    this.stop = record.stop;
    this.descriptors = record.descriptors;
    this.assets = new RunAssets(store, this.uid, reader);
    if (record.streams) this.eventCounts = Promise.resolve(record.streams);
  }

  /** Reads a run's stop and descriptors from the store. */
  static async load(
    store: Store,
    reader: AssetReader,
    start: RunStart,
    known: Partial<RunRecord> = {},
  ): Promise<Run> {
    const stop = known.stop !== undefined ? known.stop : ((await store.stop(start.uid)) ?? null);
    const descriptors = known.descriptors ?? (await store.descriptors(start.uid));
    return new Run(store, reader, { start, stop, descriptors, streams: known.streams });
  }

  /** Stream names in the order their first descriptor came. */
  get streamNames(): string[] {
    return [...new Set(this.descriptors.map(streamNameOf))];
  }

  stream(name: string): Stream {
    let stream = this.streams.get(name);
    if (!stream) {
      const descriptors = this.descriptors.filter((descriptor) => streamNameOf(descriptor) === name);
      if (descriptors.length === 0) {
        const known = this.streamNames;
        throw new NotFoundError(
          `run ${this.uid} has no stream ${JSON.stringify(name)}; streams are: ${known.length ? known.join(", ") : "(none)"}`,
        );
      }
      stream = new Stream(this.store, this.assets, name, descriptors);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** The documents in their original order; with `fill`, Resource-backed keys hold their arrays. */
  documents(options: { fill?: boolean } = {}): AsyncIterable<DocumentPair> {
    const documents = this.store.documents(this.uid);
    return options.fill ? filledDocuments(documents, this.assets) : documents;
  }

  /** Devices with configuration or data keys in this run's descriptors. */
  devices(): string[] {
    return devicesOf(this.descriptors);
  }

  /** A device's configuration values per stream, one entry per descriptor (as databroker's config_data). */
  config(device: string): Record<string, Array<Record<string, unknown>>> {
    const byStream: Record<string, Array<Record<string, unknown>>> = {};
    for (const name of this.streamNames) {
      const descriptors = this.descriptors.filter((descriptor) => streamNameOf(descriptor) === name);
      const rows = configurationOf(descriptors, device).map((row) => row.data);
      if (rows.length > 0) byStream[name] = rows;
    }
    if (Object.keys(byStream).length === 0) {
      throw new NotFoundError(
        `run ${this.uid} has no configuration of device ${JSON.stringify(device)}; devices are: ${this.devices().join(", ")}`,
      );
    }
    return byStream;
  }

  /** Duration, events per stream and exit status. */
  async summary(): Promise<RunOverview> {
    this.eventCounts ??= this.countEvents();
    const counts = await this.eventCounts;
    const events: Record<string, number> = {};
    for (const name of this.streamNames) events[name] = counts[name] ?? 0;
    const { start, stop } = this;
    return {
      uid: this.uid,
      scan_id: typeof start.scan_id === "number" ? start.scan_id : null,
      plan_name: typeof start.plan_name === "string" ? start.plan_name : null,
      duration: stop ? stop.time - start.time : null,
      events,
      exit_status: stop?.exit_status ?? null,
      reason: stop && typeof stop.reason === "string" ? stop.reason : null,
    };
  }

  /** The store counts events per stream in its run listing; this run's entry is found by its uid. */
  private async countEvents(): Promise<Record<string, number>> {
    for await (const summary of this.store.runs({ op: "eq", key: "uid", value: this.uid }, { limit: 1 }))
      return summary.streams;
    return {};
  }
}
