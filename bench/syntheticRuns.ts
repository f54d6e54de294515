// Synthetic runs the benchmarks share: ten float channels, built with composeRun so they are valid runs.
import { randomUUID } from "node:crypto";
import { composeRun } from "../src/documents/compose.ts";
import type { DataKey, DocumentPair, EventPage } from "../src/documents/types.ts";

export const FIELDS = Array.from({ length: 10 }, (_, i) => `channel_${i}`);

export const dataKeys: Record<string, DataKey> = Object.fromEntries(
  FIELDS.map((field) => [field, { dtype: "number", shape: [], source: `SIM:${field}`, units: "counts" }]),
);

/** A run of `pages` event_pages of `rows` events, every column its own array of floats. */
export function pagedRun(pages: number, rows: number): { descriptor: string; documents: DocumentPair[] } {
  const run = composeRun({ plan_name: "bench_pages" });
  const stream = run.composeDescriptor({ name: "primary", data_keys: dataKeys });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let p = 0; p < pages; p++) {
    const column = (offset: number) => Array.from({ length: rows }, (_, r) => offset + (p * rows + r) * 1e-3);
    const page: EventPage = {
      descriptor: stream.descriptor.uid,
      // uuid4 strings, as the RunEngine writes them, and as a parser (JSON, msgpack) hands them over: flat.
      // (crypto.randomUUID builds each by concatenation, a string the first reader has to flatten.)
      uid: JSON.parse(JSON.stringify(Array.from({ length: rows }, () => randomUUID()))),
      seq_num: Array.from({ length: rows }, (_, r) => p * rows + r + 1),
      time: column(run.start.time),
      data: Object.fromEntries(FIELDS.map((field, i) => [field, column(i)])),
      timestamps: Object.fromEntries(FIELDS.map((field, i) => [field, column(run.start.time - i * 1e-4)])),
    };
    documents.push(["event_page", page]);
  }
  documents.push(["stop", run.composeStop()]);
  return { descriptor: stream.descriptor.uid, documents };
}
