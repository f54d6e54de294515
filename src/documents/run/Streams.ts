// The streams of a run, by name (a descriptor without `name` is "primary", databroker's default): their
// descriptors, and the events counted in each. seq_num is counted per stream name from 1 (descriptors of
// one name share the counter, which resyncs after each finding so one slip is one finding), and the stop's
// num_events is compared with the events counted (a warning: a summary that real data gets wrong).
import { isObject } from "../schema/predicates.ts";
import type { StreamKeys } from "./eventKeys.ts";
import { atRow, type RunFindings } from "./RunFindings.ts";

export interface DescriptorState {
  uid: string;
  stream: string;
  docIndex: number;
  keys: StreamKeys;
}

interface StreamState {
  descriptors: DescriptorState[];
  nextSeq: number;
  events: number;
}

export class Streams {
  private readonly byName = new Map<string, StreamState>();

  constructor(private readonly findings: RunFindings) {}

  /** A descriptor of the run: a second one for a stream name is a `multiple-descriptors` warning. */
  addDescriptor(descriptor: DescriptorState): void {
    const { stream } = descriptor;
    let state = this.byName.get(stream);
    if (!state) this.byName.set(stream, (state = { descriptors: [], nextSeq: 1, events: 0 }));
    const first = state.descriptors[0];
    if (first) {
      const difference = keyDifference(first.keys, descriptor.keys);
      const message = `stream "${stream}" already has descriptor ${first.uid} (document ${first.docIndex}); ${difference}`;
      const rule = "multiple-descriptors";
      this.findings.report({
        doc_index: descriptor.docIndex,
        name: "descriptor",
        path: "name",
        rule,
        message,
        severity: "warning",
      });
    }
    state.descriptors.push(descriptor);
  }

  /** Counts an event in its stream and checks its seq_num, found at `path` (`path[row]` in a page). */
  countEvent(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seq: unknown,
    path: string,
    row?: number,
  ): void {
    const stream = this.byName.get(descriptor.stream)!;
    stream.events++;
    if (typeof seq !== "number") return;
    const expected = stream.nextSeq;
    stream.nextSeq = seq + 1;
    if (seq !== expected) this.seqNumSlip(i, name, descriptor, seq, expected, path, row);
  }

  /** `countEvent` for each of a page's `rows` rows (their seq_nums in `seqNums`) at once. */
  countPage(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seqNums: readonly unknown[],
    rows: number,
  ): void {
    const stream = this.byName.get(descriptor.stream)!;
    stream.events += rows;
    let expected = stream.nextSeq;
    for (let j = 0; j < rows; j++) {
      const seq = seqNums.at(j);
      if (typeof seq !== "number") continue;
      if (seq !== expected) this.seqNumSlip(i, name, descriptor, seq, expected, "seq_num", j);
      expected = seq + 1;
    }
    stream.nextSeq = expected;
  }

  /** The stop's `num_events` against the events counted, stream by stream. */
  checkNumEvents(stop: Record<string, unknown>, stopIndex: number): void {
    const claims = stop.num_events;
    if (!isObject(claims)) return;
    const streams = new Set([...Object.keys(claims), ...this.byName.keys()]);
    for (const stream of streams) {
      const counted = this.byName.get(stream)?.events ?? 0;
      const claimed = claims[stream];
      if (claimed === undefined && counted === 0) continue;
      if (claimed !== counted) {
        const message = `the stop claims ${claimed === undefined ? "nothing" : claimed} events in stream "${stream}", the run has ${counted}`;
        const path = `num_events.${stream}`;
        this.findings.report({
          doc_index: stopIndex,
          name: "stop",
          path,
          rule: "num_events",
          message,
          severity: "warning",
        });
      }
    }
  }

  private seqNumSlip(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seq: number,
    expected: number,
    path: string,
    row?: number,
  ): void {
    const where = `seq_num ${seq} in stream "${descriptor.stream}" where ${expected} was expected`;
    if (seq > expected) {
      const message = `${where}: ${seq - expected} missing`;
      this.findings.report({
        doc_index: i,
        name,
        path: atRow(path, row),
        rule: "seq_num-gap",
        message,
        severity: "error",
      });
    }
    if (seq < expected) {
      const message = `${where}: it repeats or goes back`;
      this.findings.report({
        doc_index: i,
        name,
        path: atRow(path, row),
        rule: "seq_num-repeat",
        message,
        severity: "error",
      });
    }
  }
}

/** How the data keys of a later descriptor of a stream differ from the first one's. */
function keyDifference(first: StreamKeys, later: StreamKeys): string {
  const added = [...later.declared].filter((key) => !first.declared.has(key));
  const dropped = [...first.declared].filter((key) => !later.declared.has(key));
  if (added.length === 0 && dropped.length === 0) return "same data_keys";
  const parts = [
    added.length > 0 ? `adds ${added.join(", ")}` : "",
    dropped.length > 0 ? `lacks ${dropped.join(", ")}` : "",
  ];
  return `its data_keys differ: ${parts.filter(Boolean).join("; ")}`;
}
