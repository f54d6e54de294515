// Reading documents (the ingest hot path): readDocuments on generated files of 100,000 events x 10 float
// fields, against baselines that read the whole file at once and only parse it, measured in the same run.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unpackMultiple } from "msgpackr";
import { type DocumentFormat, readDocuments, writeDocuments } from "../src/documents/formats/index.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { report, time } from "./harness.ts";

const EVENTS = 100_000;
const FIELDS = Array.from({ length: 10 }, (_, i) => `detector_${i}`);

/** A run of EVENTS events, each with 10 float fields and their timestamps. */
function* generatedRun(): Generator<DocumentPair> {
  const start = "bench-start";
  const descriptor = "bench-descriptor";
  const dataKeys = Object.fromEntries(
    FIELDS.map((f) => [f, { dtype: "number", shape: [], source: `SIM:${f}` }]),
  );
  yield ["start", { uid: start, time: 1_700_000_000.123456 }];
  yield [
    "descriptor",
    { uid: descriptor, run_start: start, time: 1_700_000_000.5, data_keys: dataKeys } as never,
  ];
  for (let seq = 1; seq <= EVENTS; seq++) {
    const time = 1_700_000_001 + seq * 0.1234567;
    const data = Object.fromEntries(FIELDS.map((f, i) => [f, Math.sin(seq * (i + 1)) * 1000]));
    const timestamps = Object.fromEntries(FIELDS.map((f) => [f, time - 0.000123]));
    yield ["event", { uid: `event-${seq}`, descriptor, seq_num: seq, time, data, timestamps, filled: {} }];
  }
  yield ["stop", { uid: "bench-stop", run_start: start, time: 1_700_100_000, exit_status: "success" }];
}

async function countDocuments(path: string): Promise<number> {
  let count = 0;
  for await (const _ of readDocuments(path)) count++;
  return count;
}

const baselines: Record<string, { name: string; parse: (bytes: Buffer) => number }> = {
  jsonl: {
    name: "readFile + JSON.parse per line",
    parse: (bytes) => {
      let count = 0;
      for (const line of bytes.toString("utf8").split("\n")) if (line !== "" && JSON.parse(line)) count++;
      return count;
    },
  },
  "json-array": {
    name: "readFile + one JSON.parse",
    parse: (bytes) => JSON.parse(bytes.toString("utf8")).length,
  },
  msgpack: {
    name: "readFile + msgpackr unpackMultiple",
    parse: (bytes) => unpackMultiple(bytes).length,
  },
};

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-read-"));
  try {
    for (const format of ["jsonl", "json-array", "msgpack"] as DocumentFormat[]) {
      const path = join(dir, `run.${format}`);
      const documents = await writeDocuments(path, generatedRun(), format);
      const baseline = baselines[format];
      const subject = await time(documents, () => countDocuments(path));
      const reference = await time(documents, async () => baseline.parse(await readFile(path)));
      report(
        `readDocuments ${format} (${EVENTS} events x ${FIELDS.length} fields)`,
        "docs",
        subject,
        reference,
        baseline.name,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
