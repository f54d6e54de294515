// The spec export (a SPEC data file as apstools' SpecWriterCallback writes them) of real runs and a synthetic
// one, read back by a standard-library Python reader (test/support/readSpec.py): one scan per file, the #L
// labels (motors first, Epoch_float and Epoch, detectors last), every data value as the primary stream holds
// it (floats to the last bit), text values through #U lines, the baseline as #O/#P positioners.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunLike } from "../../src/broker/BrokerLike.ts";
import { exportFormatNamed, exportRuns } from "../../src/exports/index.ts";
import { cellValue } from "../../src/tables/Column.ts";
import { pythonReader } from "../support/pythonReader.ts";
import { type ExportCatalog, exportCatalog } from "./exportCatalog.ts";
import { syntheticRun } from "./syntheticRun.ts";

interface SpecScan {
  number: number;
  command: string;
  labels: string[];
  N: number;
  rows: number;
  columns: Record<string, Array<number | string>>;
  U: Record<string, Record<string, string>>;
  positioners: Record<string, number | string>;
  MD: Record<string, string>;
  comments: string[];
}

interface SpecFile {
  path: string;
  header: { F: string; E: string; D: string; O: string[]; comments: string[] };
  scans: SpecScan[];
}

const spec = exportFormatNamed("spec");

const edgeCases = syntheticRun(
  {
    plan_name: "scan",
    plan_args: { detectors: ["det"], motor: "m", start: -1, stop: 1, num: 4, per_step: null },
    detectors: ["det"],
    motors: ["m"],
    hints: { dimensions: [[["m"], "primary"]] },
    plan_type: "generator",
    purpose: "two\nlines",
  },
  {
    primary: {
      dataKeys: {
        det: { dtype: "number" },
        state: { dtype: "string" },
        count: { dtype: "integer", dtype_numpy: "<i8" },
        flag: { dtype: "boolean" },
        spectrum: { dtype: "array", shape: [4] },
        m: { dtype: "number" },
      },
      hints: { det: { fields: ["det"] }, m: { fields: ["m"] } },
      events: 4,
      data: (seq) => ({
        det: seq === 2 ? 0.1 + 0.2 : 1e-7 * seq,
        state: ["idle", "4.21", "with  two spaces", ""][seq - 1],
        count: 2 ** 52 + seq,
        flag: seq % 2 === 0,
        spectrum: [seq, seq, seq, seq],
        m: -1 + (2 / 3) * (seq - 1),
      }),
    },
    baseline: {
      dataKeys: { slit: { dtype: "number" }, mode: { dtype: "string" } },
      events: 2,
      data: (seq) => ({ slit: 0.7 + seq, mode: "auto" }),
    },
  },
);
const edgeUid = (edgeCases[0][1] as { uid: string }).uid;

let catalog: ExportCatalog;
let runs: RunLike[];
let files: Map<string, SpecFile>;
before(async () => {
  catalog = await exportCatalog(
    [
      "bluesky-tutorials/example_data",
      "apstools/tests/usaxs.json",
      "apstools/440_specwriter_problem_run",
      "apstools/callbacks-tests",
    ],
    [edgeCases],
  );
  runs = [];
  for await (const run of catalog.broker) runs.push(run);
  const directory = catalog.directory();
  const summary = await exportRuns(runs, directory, { format: spec, template: "{uid}" });
  assert.deepEqual(summary.failed, []);
  const read = await pythonReader<SpecFile>(
    "readSpec.py",
    summary.exported.map((exported) => join(directory, exported.name)),
  );
  files = new Map(summary.exported.map((exported, i) => [exported.uid, read[i]]));
});
after(() => catalog.close());

describe("spec export", () => {
  test("every run: one scan whose columns hold the primary stream's values", async () => {
    assert.equal(files.size, 36);
    let values = 0;
    for (const run of runs) {
      const file = files.get(run.uid) as SpecFile;
      assert.equal(file.scans.length, 1, run.uid);
      const [scan] = file.scans;
      assert.equal(file.header.E, String(Math.trunc(run.start.time)));
      assert.equal(scan.number, run.start.scan_id || 1);
      assert.equal(scan.N, scan.labels.length);
      assert.ok(scan.comments.at(-1)?.endsWith(`exit_status = ${run.stop?.exit_status ?? "not available"}`));
      if (!run.streamNames.includes("primary")) continue;
      const stream = run.stream("primary");
      const scalars = stream.fields.filter(
        (field) =>
          (stream.dataKeys[field].shape ?? []).length === 0 && stream.dataKeys[field].dtype !== "array",
      );
      assert.deepEqual([...scan.labels].sort(), [...scalars, "Epoch_float", "Epoch"].sort(), run.uid);
      const table = await stream.read({ fill: true, fields: scalars });
      assert.equal(scan.rows, table.length);
      for (let row = 0; row < table.length; row++) {
        const since = (cellValue(table.column("time"), row) as number) - run.start.time;
        assert.equal(scan.columns.Epoch_float[row], since);
        assert.equal(scan.columns.Epoch[row], Math.trunc(since + 0.5));
        for (const field of scalars) {
          const value = cellValue(table.column(field), row);
          const read = scan.columns[field][row];
          const where = `${run.uid} ${field} row ${row}`;
          if (typeof value === "string") {
            assert.equal(read, row, where);
            assert.equal(scan.U[field]?.[String(row)] ?? "", value, where);
          } else if (typeof value === "boolean") assert.equal(read, value ? 1 : 0, where);
          else if (typeof value === "number" && Number.isNaN(value)) assert.equal(read, "nan", where);
          else assert.equal(read, Number(value), where);
          values++;
        }
      }
    }
    assert.ok(values > 1000, `${values} values compared`);
  });

  test("motors first, detectors last; array fields named in a comment; the baseline as positioners", async () => {
    const file = files.get(edgeUid) as SpecFile;
    const [scan] = file.scans;
    assert.deepEqual(scan.labels, ["m", "Epoch_float", "Epoch", "state", "count", "flag", "det"]);
    assert.equal(
      scan.command,
      "scan(detectors=['det'], motor=['m'], start=-1, stop=1, num=4, per_step=None)",
    );
    assert.deepEqual(scan.columns.det, [1e-7, 0.1 + 0.2, 3e-7, 4e-7]);
    assert.deepEqual(
      scan.columns.count,
      [1, 2, 3, 4].map((seq) => 2 ** 52 + seq),
    );
    assert.deepEqual(scan.U.state, { "0": "idle", "1": "4.21", "2": "with  two spaces", "3": "" });
    assert.deepEqual(scan.positioners, { slit: 1.7 });
    assert.equal(scan.MD.purpose, "two lines");
    assert.ok(
      scan.comments.some((line) => line.endsWith("not in the columns (an array per event): spectrum [4]")),
    );
    assert.ok(
      scan.comments.some((line) => line.endsWith("baseline fields not positioners (not numbers): mode")),
    );
    assert.ok(scan.comments.some((line) => line.endsWith("num_events_primary = 4")));
    assert.match(file.header.F, /^7_[0-9a-f]{8}\.dat$/);
    // A real beamline's run: USAXS tune scans put the tuned motor first and the detector last.
    const usaxs = runs.find((run) => run.start.plan_name === "tune_m2rp") as RunLike;
    const labels = (files.get(usaxs.uid) as SpecFile).scans[0].labels;
    assert.equal(labels[0], "m_stage_r2p");
    assert.equal(labels.at(-1), "I0_USAXS");
    assert.ok(Object.keys((files.get(usaxs.uid) as SpecFile).scans[0].positioners).length > 100);
    // A failed tune (apstools' callbacks tests) is still a scan: its header, no data lines, exit_status = fail.
    const failed = runs.find((run) => run.stop?.exit_status === "fail") as RunLike;
    const failedScan = (files.get(failed.uid) as SpecFile).scans[0];
    assert.equal(failedScan.rows, 0);
    assert.ok(failedScan.comments.at(-1)?.endsWith("exit_status = fail"));
  });
});
