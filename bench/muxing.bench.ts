// Muxing vs pandas, measured in the same run on the same data: align MUX_BENCH_ROWS primary rows (default
// 1M) onto MUX_BENCH_BASELINE_ROWS baseline rows (default 10k, MUX_BENCH_FIELDS float64 fields, default 5)
// against pandas.merge_asof (backward and nearest), and resample the primary's fields onto a 1 s grid
// (mean) against pandas' resample("1s").mean(). Python's own timings cover the operation alone (its data
// already in DataFrames); its whole process (start, import, load, all timings) is reported beside them.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { align, resample } from "../src/muxing/index.ts";
import { Table } from "../src/tables/Table.ts";
import { report, time } from "./harness.ts";

const ROWS = Number(process.env.MUX_BENCH_ROWS ?? 1_000_000);
const BASELINE_ROWS = Number(process.env.MUX_BENCH_BASELINE_ROWS ?? 10_000);
const FIELDS = Number(process.env.MUX_BENCH_FIELDS ?? 5);

/** Sorted times over the same span: a fast primary (1 kHz with jitter) and a slow baseline. */
function data() {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const start = 1.7e9;
  const span = ROWS / 1000;
  const primaryTime = Float64Array.from({ length: ROWS }, (_, i) => start + i / 1000 + random() * 1e-4);
  const baselineTime = Float64Array.from(
    { length: BASELINE_ROWS },
    (_, i) => start + (i * span) / BASELINE_ROWS,
  );
  const columns = (prefix: string, n: number) =>
    Object.fromEntries(
      Array.from({ length: FIELDS }, (_, f) => [
        `${prefix}${f}`,
        Float64Array.from({ length: n }, () => random() * 100),
      ]),
    );
  const primary = new Table({ time: primaryTime });
  const samples = new Table({ time: primaryTime, ...columns("d", ROWS) });
  const baseline = new Table({ time: baselineTime, ...columns("f", BASELINE_ROWS) });
  return { primary, samples, baseline };
}

function writeColumns(dir: string, prefix: string, table: Table): void {
  for (const [name, column] of Object.entries(table.columns)) {
    const values = column as Float64Array;
    writeFileSync(
      join(dir, `${prefix}_${name}.f64`),
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
  }
}

export async function run(): Promise<void> {
  const { primary, samples, baseline } = data();
  const dir = mkdtempSync(join(tmpdir(), "databroker-muxing-bench-"));
  try {
    writeColumns(dir, "primary", samples);
    writeColumns(dir, "baseline", baseline);
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(
      "/usr/bin/python3",
      [new URL("./muxingPandas.py", import.meta.url).pathname, dir, String(FIELDS)],
      { maxBuffer: 1024 * 1024 },
    );
    const pythonTotal = (performance.now() - t0) / 1000;
    const pandas = JSON.parse(stdout) as { previous: number; nearest: number; resample: number };
    const asTiming = (seconds: number) => ({ seconds, rate: ROWS / seconds });
    console.log(
      `${ROWS} primary rows, ${BASELINE_ROWS} baseline rows, ${FIELDS} fields; python3 process total ${pythonTotal.toFixed(2)} s`,
    );
    // The JIT compiles the shared lookup and gather loops once for both methods before either is timed
    // (pandas' are compiled C), so the first method measured does not carry the warm-up.
    for (let i = 0; i < 3; i++)
      for (const method of ["previous", "nearest"] as const)
        align(primary, baseline, { method, prefix: "baseline" });
    for (const method of ["previous", "nearest"] as const) {
      const ours = await time(ROWS, () => align(primary, baseline, { method, prefix: "baseline" }), 5);
      report(`align ${method}`, "rows", ours, asTiming(pandas[method]), "pandas merge_asof");
    }
    const fields = Array.from({ length: FIELDS }, (_, f) => `d${f}`);
    const ours = await time(ROWS, () => resample(samples, 1, { agg: "mean", fields }), 5);
    report("resample 1 s mean", "rows", ours, asTiming(pandas.resample), "pandas resample");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
