// Runs built in the tests (composeRun): one that stresses value fidelity, a large paged run, and a family of
// runs with varied metadata for queries.
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair, EventPage } from "../../src/documents/types.ts";

const number: DataKey = { dtype: "number", shape: [], source: "sim" };

/** Doubles whose bits must survive: signed zero, extremes, denormals, values that print long. */
export const EDGE_FLOATS = [
  0.1 + 0.2,
  -0,
  0,
  1e308,
  -1.7976931348623157e308,
  5e-324,
  2.2250738585072014e-308,
  1 / 3,
  Math.PI,
  2 ** 53 - 1,
  -(2 ** 53),
  123456789.12345679,
];

/** A run whose events carry every kind of value a store must give back exactly. */
export function fidelityRun(): { uid: string; documents: DocumentPair[] } {
  const run = composeRun({ plan_name: "fidelity", scan_id: 7, sample: { name: "ünïcødé ✓ 𝔘", offset: -0 } });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: {
      float: number,
      int: { dtype: "integer", shape: [], source: "sim" },
      special: number,
      text: { dtype: "string", shape: [], source: "sim" },
      nested: { dtype: "array", shape: [2, 2], source: "sim" },
      mixed: number,
      ragged: { dtype: "array", shape: [null], source: "sim" },
      flag: { dtype: "boolean", shape: [], source: "sim" },
    },
  });
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  EDGE_FLOATS.forEach((float, i) => {
    const data = {
      float,
      int: i * 1_000_000_007 - 2 ** 40,
      special: specials[i % specials.length],
      text: ["", "plain", "ünïcødé", "𝔘 astral", 'quote " and \\ backslash', "line\nbreak"][i % 6],
      nested: [
        [float, i],
        [-i, 0.5],
      ],
      mixed: i % 3 === 0 ? "a string" : i % 3 === 1 ? float : null,
      ragged: Array.from({ length: i % 4 }, (_, j) => j * float),
      flag: i % 2 === 0,
    };
    const timestamps = Object.fromEntries(
      Object.keys(data).map((key) => [key, 1_700_000_000 + i + 0.123456789]),
    );
    documents.push(["event", stream.composeEvent({ data, timestamps })]);
  });
  documents.push(["stop", run.composeStop()]);
  return { uid: run.start.uid, documents };
}

/** A run of `pages` event_pages of `rows` events each, fields `a` (i), `b` (a wave) and `c` (a 2-vector). */
export function largeRun(pages: number, rows: number): { uid: string; documents: DocumentPair[] } {
  const run = composeRun({ plan_name: "large" });
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: { a: number, b: number, c: { dtype: "array", shape: [2], source: "sim" } },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let p = 0; p < pages; p++) {
    const first = p * rows;
    const a = new Array<number>(rows);
    const b = new Array<number>(rows);
    const c = new Array<number[]>(rows);
    const time = new Array<number>(rows);
    const uid = new Array<string>(rows);
    const seq = new Array<number>(rows);
    for (let r = 0; r < rows; r++) {
      const i = first + r;
      a[r] = i;
      b[r] = Math.sin(i / 1000);
      c[r] = [i, -i];
      time[r] = 1_700_000_000 + i / 1000;
      uid[r] = `${run.start.uid}-${i}`;
      seq[r] = i + 1;
    }
    const page: EventPage = {
      descriptor: stream.descriptor.uid,
      uid,
      seq_num: seq,
      time,
      data: { a, b, c },
      timestamps: { a: time, b: time, c: time },
    };
    documents.push(["event_page", page]);
  }
  documents.push(["stop", run.composeStop({ exit_status: "success" })]);
  return { uid: run.start.uid, documents };
}

/** A small complete run with the given start metadata and `events` events in one stream. */
export function smallRun(metadata: Record<string, unknown>, events = 3, time?: number) {
  const run = composeRun(metadata, time === undefined ? {} : { time });
  const stream = run.composeDescriptor({ name: "primary", data_keys: { x: number } });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let i = 0; i < events; i++) {
    documents.push(["event", stream.composeEvent({ data: { x: i }, timestamps: { x: 1 } })]);
  }
  const stop = run.composeStop({ exit_status: metadata.plan_name === "broken" ? "fail" : "success" });
  documents.push(["stop", stop]);
  return { uid: run.start.uid, run, stream, documents };
}
