// Runs made in the export tests: a start, one descriptor per stream with the given data keys, events whose
// data a function gives, a stop. Enough for a catalog to store and read them back.
import { randomUUID } from "node:crypto";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";

export interface SyntheticStream {
  dataKeys: Record<string, Partial<DataKey>>;
  events: number;
  data(seq: number): Record<string, unknown>;
  hints?: Record<string, { fields: string[] }>;
}

export function syntheticRun(
  start: Record<string, unknown>,
  streams: Record<string, SyntheticStream>,
  exitStatus = "success",
): DocumentPair[] {
  const uid = randomUUID();
  const t0 = 1_700_000_000.25;
  const pairs: Array<[string, Record<string, unknown>]> = [
    ["start", { uid, time: t0, scan_id: 7, ...start }],
  ];
  const numEvents: Record<string, number> = {};
  for (const [name, stream] of Object.entries(streams)) {
    const descriptor = randomUUID();
    const dataKeys = Object.fromEntries(
      Object.entries(stream.dataKeys).map(([key, spec]) => [
        key,
        { source: `SIM:${key}`, shape: [], ...spec },
      ]),
    );
    pairs.push([
      "descriptor",
      {
        uid: descriptor,
        run_start: uid,
        time: t0 + 0.5,
        name,
        data_keys: dataKeys,
        object_keys: Object.fromEntries(Object.keys(dataKeys).map((key) => [key, [key]])),
        hints: stream.hints ?? {},
      },
    ]);
    for (let seq = 1; seq <= stream.events; seq++) {
      const data = stream.data(seq);
      const time = t0 + 1 + seq * 0.1;
      pairs.push([
        "event",
        {
          uid: randomUUID(),
          descriptor,
          seq_num: seq,
          time,
          data,
          timestamps: Object.fromEntries(Object.keys(data).map((key) => [key, time])),
        },
      ]);
    }
    numEvents[name] = stream.events;
  }
  pairs.push([
    "stop",
    { uid: randomUUID(), run_start: uid, time: t0 + 100, exit_status: exitStatus, num_events: numEvents },
  ]);
  return pairs as unknown as DocumentPair[];
}
