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

/** The plan names of the synthetic catalogs' runs, in turn. */
export const PLANS = ["scan", "count", "rel_scan", "grid_scan", "list_scan", "fly_scan", "tune", "xafs"];
/** The first synthetic run's start time; each next one starts 30 s later. */
export const T0 = 1_600_000_000;

/** The uid of synthetic run `i`: spread over the uid space (prefixes vary), unique. */
export function uidOf(i: number): string {
  return `${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`;
}

/** Start documents of runs `first` .. `first + count - 1` (runs still open: no stop, which stores accept). */
export function startDocuments(first: number, count: number): DocumentPair[] {
  const batch: DocumentPair[] = [];
  for (let i = first; i < first + count; i++) {
    batch.push([
      "start",
      {
        uid: uidOf(i),
        time: T0 + i * 30,
        scan_id: i % 20_000,
        plan_name: PLANS[i % PLANS.length],
        sample: { name: `sample-${i % 500}`, temperature: 290 + (i % 40) },
        detectors: ["det", i % 2 ? "I0" : "I1"],
      },
    ]);
  }
  return batch;
}
