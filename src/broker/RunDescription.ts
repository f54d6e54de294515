// A run as its metadata documents alone describe it: start, stop, descriptors, its streams' names and
// descriptors, its devices' configuration, and its overview once event counts are known. The local Run reads
// events on top of it; the remote client's runs use it as it is, with no store.
import type { EventDescriptor, ExitStatus, RunStart, RunStop } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import { configurationOf, devicesOf } from "./configuration.ts";

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

export class RunDescription {
  readonly uid: string;
  readonly start: RunStart;
  readonly stop: RunStop | null;
  readonly descriptors: readonly EventDescriptor[];

  constructor(start: RunStart, stop: RunStop | null, descriptors: readonly EventDescriptor[]) {
    this.uid = start.uid;
    this.start = start;
    this.stop = stop;
    this.descriptors = descriptors;
  }

  /** Stream names in the order their first descriptor came. */
  get streamNames(): string[] {
    return [...new Set(this.descriptors.map(streamNameOf))];
  }

  /** The descriptors of the stream `name`; NotFoundError naming the run's streams when it has none. */
  streamDescriptors(name: string): EventDescriptor[] {
    const descriptors = this.descriptors.filter((descriptor) => streamNameOf(descriptor) === name);
    if (descriptors.length === 0) {
      const known = this.streamNames;
      throw new NotFoundError(
        `run ${this.uid} has no stream ${JSON.stringify(name)}; streams are: ${known.length ? known.join(", ") : "(none)"}`,
      );
    }
    return descriptors;
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

  /** Duration, events per stream (`counts`, 0 for a stream it leaves out) and exit status. */
  overview(counts: Readonly<Record<string, number>>): RunOverview {
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
}
