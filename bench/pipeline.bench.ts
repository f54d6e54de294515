// `databroker pipe --run peakstats` throughput on a 100,000-event run (events/s): the whole derivation out of a
// SQLite catalog against a plain replay of the same run's documents, and the processor alone (the document
// router over pages in memory) against a plain loop computing the same statistics over arrays.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../src/broker/Broker.ts";
import { DocumentRouter } from "../src/documents/router.ts";
import type { DataKey, DocumentPair, EventPage } from "../src/documents/types.ts";
import { deriveRun } from "../src/pipelines/deriveRun.ts";
import type { DerivedRunOutput } from "../src/pipelines/Processor.ts";
import { peakStatistics } from "../src/pipelines/peakStatistics.ts";
import { withDefaults } from "../src/pipelines/processorParams.ts";
import { processors } from "../src/pipelines/processors/index.ts";
import { report, time } from "./harness.ts";

const EVENTS = 100_000;
const PAGE = 1_000;
const FIELDS = ["motor", "det", "I0", "temperature"];
/** The in-memory runs take ~10 ms: the fastest of many damps the JIT's and other processes' noise. */
const REPEATS_IN_MEMORY = 30;

/** A scan of a noisy peak with two other channels, in pages of PAGE events (as a fly scan writes them). */
function peakRun(): DocumentPair[] {
  const uid = "b0e1c2d3-0000-4000-8000-000000000001";
  const descriptor = "b0e1c2d3-0000-4000-8000-000000000002";
  const dataKeys: Record<string, DataKey> = Object.fromEntries(
    FIELDS.map((field) => [field, { dtype: "number", shape: [], source: `SIM:${field}` }]),
  );
  const documents: DocumentPair[] = [
    ["start", { uid, time: 1_700_000_000, plan_name: "scan", scan_id: 1 }],
    [
      "descriptor",
      { uid: descriptor, run_start: uid, time: 1_700_000_000.5, name: "primary", data_keys: dataKeys },
    ],
  ];
  for (let first = 0; first < EVENTS; first += PAGE) {
    const rows = Array.from({ length: PAGE }, (_, r) => first + r);
    const x = rows.map((i) => -5 + (10 * i) / (EVENTS - 1));
    const page: EventPage = {
      descriptor,
      uid: rows.map((i) => `b0e1c2d3-0000-4000-9000-${String(i).padStart(12, "0")}`),
      seq_num: rows.map((i) => i + 1),
      time: rows.map((i) => 1_700_000_001 + i * 1e-3),
      data: {
        motor: x,
        det: x.map((v, r) => 1000 * Math.exp(-(v * v) / 0.5) + Math.sin(first + r) * 3),
        I0: x.map(() => 1e5),
        temperature: x.map((_, r) => 290 + (r % 7) * 0.01),
      },
      timestamps: Object.fromEntries(
        FIELDS.map((field) => [field, rows.map((i) => 1_700_000_001 + i * 1e-3)]),
      ),
    };
    documents.push(["event_page", page]);
  }
  documents.push([
    "stop",
    {
      uid: "b0e1c2d3-0000-4000-8000-000000000003",
      run_start: uid,
      time: 1_700_000_200,
      exit_status: "success",
    },
  ]);
  return documents;
}

export async function run(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "databroker-bench-pipe-"));
  const broker = await Broker.open(join(folder, "catalog.sqlite"));
  try {
    const documents = peakRun();
    await broker.put(documents);
    const input = await broker.run(-1);
    const processor = processors.named("peakstats");
    const params = withDefaults(processor, { x: "motor", y: "det" });
    const derivation = { processor, params, target: broker };

    const piped = await time(EVENTS, () => deriveRun(input.start, input.documents(), derivation));
    const replayed = await time(EVENTS, async () => {
      for await (const _ of input.documents());
    });
    report(
      "pipe peakstats from SQLite (replay, route, compute, store)",
      "events",
      piped,
      replayed,
      "plain replay",
    );

    const discard: DerivedRunOutput = { stream() {}, event() {} };
    const routed = await time(
      EVENTS,
      () => {
        const created = processor.create(params, discard);
        const router = created instanceof DocumentRouter ? created : new DocumentRouter(created);
        for (const [name, doc] of documents) router.route(name, doc);
      },
      REPEATS_IN_MEMORY,
    );
    const looped = await time(
      EVENTS,
      () => {
        const x = new Float64Array(EVENTS);
        const y = new Float64Array(EVENTS);
        let n = 0;
        for (const [name, doc] of documents) {
          if (name !== "event_page") continue;
          const xs = doc.data.motor as number[];
          const ys = doc.data.det as number[];
          for (let row = 0; row < xs.length; row++, n++) {
            x[n] = xs[row];
            y[n] = ys[row];
          }
        }
        return peakStatistics(x, y, n);
      },
      REPEATS_IN_MEMORY,
    );
    report(
      "peakstats processor over pages in memory (router)",
      "events",
      routed,
      looped,
      "plain loop over arrays",
    );
  } finally {
    await broker.close();
    await rm(folder, { recursive: true, force: true });
  }
}
