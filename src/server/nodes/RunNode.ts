// A run (spec BlueskyRun "1"), keyed by its start uid: metadata {start, stop, summary} from the listing, and
// `annotations`, those the caller reads; its streams are read (descriptors) only when a child is asked for.

import type { Annotation } from "../../annotations/Annotation.ts";
import type { Broker, Run } from "../../broker/index.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import { isoTimeOf } from "../../documents/epochTime.ts";
import type { DocumentPair } from "../../documents/types.ts";
import { NotFoundError } from "../../errors.ts";
import type { ContainerNode, Spec } from "./Node.ts";
import { StreamNode } from "./StreamNode.ts";

export class RunNode implements ContainerNode {
  readonly family = "container";
  readonly specs: Spec[] = [{ name: "BlueskyRun", version: "1" }];
  readonly sorting = null;
  readonly path: readonly string[];
  private loaded?: Promise<Run>;

  constructor(
    /** The run's catalog as the caller sees it. */
    readonly broker: Broker,
    readonly summary: RunSummary,
    /** The run's annotations the caller reads (annotations/Annotation.ts), oldest first. */
    readonly annotations: readonly Annotation[],
    /** Its catalog's path: `[]` at the root, `[name]` for a named catalog. */
    catalogPath: readonly string[] = [],
  ) {
    this.path = [...catalogPath, summary.uid];
  }

  /** The node of a listed run, with the annotations its viewer reads. */
  static async of(
    broker: Broker,
    summary: RunSummary,
    catalogPath: readonly string[] = [],
  ): Promise<RunNode> {
    return new RunNode(broker, summary, await broker.annotations().list(summary.start), catalogPath);
  }

  /**
   * databroker's run summary: uid, scan_id, timestamp, datetime, plan_name, stream_names, duration; and
   * `events` (events stored per stream, from the listing), which this server adds for its own client, and
   * `sources` in a federation.
   */
  metadata(): Record<string, unknown> {
    const { start, stop } = this.summary;
    return {
      start,
      stop,
      summary: {
        uid: start.uid,
        scan_id: start.scan_id ?? null,
        timestamp: start.time,
        // null for a time no date can hold (stored by an older version, or a files catalog written by hand)
        datetime: isoTimeOf(start.time),
        plan_name: start.plan_name ?? null,
        stream_names: Object.keys(this.summary.streams),
        duration: stop ? stop.time - start.time : null,
        events: this.summary.streams,
        // In a federation of catalogs: where the run lives (the sources holding it, the one read first).
        ...(this.summary.sources && { sources: this.summary.sources }),
      },
      annotations: this.annotations,
    };
  }

  /** The run itself, loaded once. */
  run(): Promise<Run> {
    // Through the broker: the run keeps its view, so its replayed start is shown as its listing's is.
    this.loaded ??= this.broker.runOf(this.summary);
    return this.loaded;
  }

  async count(): Promise<number> {
    return Object.keys(this.summary.streams).length;
  }

  async keys(): Promise<string[]> {
    return (await this.run()).streamNames;
  }

  async child(key: string): Promise<StreamNode> {
    const run = await this.run();
    if (!run.streamNames.includes(key)) throw new NotFoundError(`No such entry: ${key}`);
    return new StreamNode([...this.path, key], run.stream(key));
  }

  async *documents(): AsyncGenerator<DocumentPair> {
    yield* (await this.run()).documents();
  }
}
