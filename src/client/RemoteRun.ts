// One run of a remote catalog, with the local Run's API: start and stop from the run's metadata, descriptors
// from its streams' metadata, documents from the json-seq export, streams read through RemoteStream, the
// summary from the run's metadata.

import type { RunLike } from "../broker/BrokerLike.ts";
import { RunDescription, type RunOverview } from "../broker/RunDescription.ts";
import { StreamDescription } from "../broker/StreamDescription.ts";
import type { DocumentPair, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import type { FollowedDocument, FollowOptions } from "../live/types.ts";
import { withFilledArrays } from "./filledArrays.ts";
import type { HttpSession } from "./HttpSession.ts";
import { followRemoteRun, type ReconnectOptions } from "./liveStreams.ts";
import { RemoteAnnotations } from "./RemoteAnnotations.ts";
import { RemoteStream } from "./RemoteStream.ts";
import { runDocuments } from "./runDocuments.ts";

/** What the catalog's listing says of a run (its item's metadata). */
export interface RunMetadata {
  start: RunStart;
  stop: RunStop | null;
}

/** The run node's metadata: its summary counts the events of each stream. */
interface CurrentMetadata extends RunMetadata {
  summary: { events: Record<string, number> };
}

interface StreamItem {
  attributes: { metadata: { descriptors?: EventDescriptor[] } };
}

/** The most streams one listing request asks for; runs have a handful. */
const STREAM_PAGE = 300;

export class RemoteRun implements RunLike {
  readonly uid: string;
  readonly start: RunStart;
  readonly stop: RunStop | null;
  readonly descriptors: readonly EventDescriptor[];
  private readonly described: RunDescription;
  private readonly streams = new Map<string, RemoteStream>();

  constructor(
    private readonly session: HttpSession,
    metadata: RunMetadata,
    descriptors: EventDescriptor[],
  ) {
    this.uid = metadata.start.uid;
    this.start = metadata.start;
    this.stop = metadata.stop ?? null;
    this.descriptors = descriptors;
    this.described = new RunDescription(this.start, this.stop, descriptors);
  }

  /** The run of a listing item, with its descriptors read from its streams (one request). */
  static async load(session: HttpSession, metadata: RunMetadata): Promise<RemoteRun> {
    const listing = await session.json<{ data: StreamItem[] }>(
      session.url(
        "search",
        [metadata.start.uid],
        [
          ["fields", "metadata"],
          ["page[limit]", String(STREAM_PAGE)],
        ],
      ),
    );
    // Streams come in the order of their first descriptor, so this is the documents' order unless a stream's
    // later descriptor came after another stream's first (the API does not say where it came).
    const descriptors = listing.data.flatMap((item) => item.attributes.metadata.descriptors ?? []);
    return new RemoteRun(session, metadata, descriptors);
  }

  /** The run's annotations as the server lets this client read and change them. */
  annotations(): RemoteAnnotations {
    return new RemoteAnnotations(this.session, this.uid);
  }

  get streamNames(): string[] {
    return this.described.streamNames;
  }

  stream(name: string): RemoteStream {
    let stream = this.streams.get(name);
    if (!stream) {
      const described = new StreamDescription(name, this.described.streamDescriptors(name));
      stream = new RemoteStream(this.session, this.uid, described);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** The documents as stored on the server (datums as stored too); filled values as NDArrays. */
  documents(options: { fill?: boolean } = {}): AsyncIterable<DocumentPair> {
    const documents = runDocuments(this.session, this.uid, options.fill ?? false);
    return options.fill ? withFilledArrays(documents, this.descriptors) : documents;
  }

  /**
   * The run's documents as the server stores them, numbered from 1 (the start): those after `after`, then each
   * new one until the stop. A dropped connection is resumed where it stopped (liveStreams.ts).
   */
  follow(options: FollowOptions & ReconnectOptions = {}): AsyncIterable<FollowedDocument> {
    return followRemoteRun(this.session, this.uid, options);
  }

  devices(): string[] {
    return this.described.devices();
  }

  config(device: string): Record<string, Array<Record<string, unknown>>> {
    return this.described.config(device);
  }

  /** From the run's metadata as it is now (one request: a live run grows, and its stop may have come). */
  async summary(): Promise<RunOverview> {
    const { data } = await this.session.json<{ data: { attributes: { metadata: CurrentMetadata } } }>(
      this.session.url("metadata", [this.uid]),
    );
    const { stop, summary } = data.attributes.metadata;
    return new RunDescription(this.start, stop ?? null, this.descriptors).overview(summary.events);
  }
}
