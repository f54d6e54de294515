// What the pipeline tests share: seeded synthetic runs (scans with peaks, image runs), temporary SQLite
// catalogs, numpy's answers (numpyReference.py) and table columns as plain numbers.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataKey, DocumentPair, EventPage } from "../../src/documents/types.ts";
import { nameBasedUid } from "../../src/pipelines/derivedIds.ts";
import type { Column } from "../../src/tables/Column.ts";

/** A fresh folder for a test's catalogs. */
export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), "databroker-pipe-"));
}

/** Seeded numbers in [0, 1): the same runs on every machine. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const number = (source: string): DataKey => ({ dtype: "number", shape: [], source });

export interface SyntheticRun {
  uid: string;
  documents: DocumentPair[];
}

/**
 * A run of `events` events in pages of `pageSize`: `data(i)` gives event i's fields. Its uids are derived from
 * `label`, its times from `t0`, so the same label gives the same documents.
 */
export function syntheticRun(
  label: string,
  t0: number,
  dataKeys: Record<string, DataKey>,
  events: number,
  data: (i: number) => Record<string, unknown>,
  pageSize = 500,
): SyntheticRun {
  const uid = nameBasedUid(`test-run/${label}`);
  const descriptor = nameBasedUid(`test-run/${label}/descriptor`);
  const documents: DocumentPair[] = [
    ["start", { uid, time: t0, plan_name: "scan", scan_id: 1, label }],
    ["descriptor", { uid: descriptor, run_start: uid, time: t0 + 0.5, name: "primary", data_keys: dataKeys }],
  ];
  for (let first = 0; first < events; first += pageSize) {
    const rows = Array.from({ length: Math.min(pageSize, events - first) }, (_, r) => first + r);
    const values = rows.map(data);
    const page: EventPage = {
      descriptor,
      uid: rows.map((i) => nameBasedUid(`test-run/${label}/event/${i}`)),
      seq_num: rows.map((i) => i + 1),
      time: rows.map((i) => t0 + 1 + i * 0.01),
      data: Object.fromEntries(Object.keys(dataKeys).map((key) => [key, values.map((v) => v[key])])),
      timestamps: Object.fromEntries(
        Object.keys(dataKeys).map((key) => [key, rows.map((i) => t0 + 1 + i * 0.01)]),
      ),
    };
    documents.push(["event_page", page]);
  }
  const stop = { uid: nameBasedUid(`test-run/${label}/stop`), run_start: uid, time: t0 + 2 + events * 0.01 };
  documents.push(["stop", { ...stop, exit_status: "success", num_events: { primary: events } }]);
  return { uid, documents };
}

/** A scan of `points` samples of a noisy peak (or two) over x from -5 to 5, as a detector reads it. */
export function peakScan(
  label: string,
  t0: number,
  points: number,
  seed: number,
  twoPeaks = false,
): SyntheticRun {
  const random = seeded(seed);
  const centre = random() * 4 - 2;
  const width = 0.2 + random();
  return syntheticRun(label, t0, { motor: number("SIM:motor"), det: number("SIM:det") }, points, (i) => {
    const x = -5 + (10 * i) / Math.max(points - 1, 1);
    const peak = (c: number, w: number) => Math.exp(-((x - c) ** 2) / (2 * w * w));
    const y = 1000 * peak(centre, width) + (twoPeaks ? 400 * peak(centre + 2.5, width / 2) : 0);
    return { motor: x, det: y + 20 * (random() - 0.5) };
  });
}

/** The values of a table column as numbers, NaN read as null (what the derived run stores for "none"). */
export function numbersOf(column: Column): Array<number | null> {
  return Array.from(column as ArrayLike<unknown>, (value) =>
    value === null || (typeof value === "number" && Number.isNaN(value)) ? null : Number(value),
  );
}

/** numpy's answer to a request of numpyReference.py. */
export function numpy<T>(request: unknown): T {
  const script = new URL("./numpyReference.py", import.meta.url).pathname;
  const out = execFileSync("/usr/bin/python3", [script], {
    input: JSON.stringify(request),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/** Whether two numbers agree within 1e-12 of the scale of the values compared (exact for integers). */
export function close(
  actual: number | null,
  expected: number | null,
  scale = Math.abs(expected ?? 0),
): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= 1e-12 * Math.max(scale, Number.MIN_VALUE);
}
