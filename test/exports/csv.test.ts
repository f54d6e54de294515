// The csv export (suitcase-csv layout) of real runs, read back by pandas: one file per stream, the columns
// time, the scalar fields, seq_num; each column's values and dtype (int64, float64, bool, object) as the
// stream's table has them. Array fields are listed in a note, not written.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunLike } from "../../src/broker/BrokerLike.ts";
import { NotFoundError } from "../../src/errors.ts";
import { exportFormatNamed, exportRuns, exportToStream } from "../../src/exports/index.ts";
import { cellValue } from "../../src/tables/Column.ts";
import { type DType, isFloat } from "../../src/tables/DType.ts";
import { pythonReader } from "../support/pythonReader.ts";
import { type ExportCatalog, exportCatalog } from "./exportCatalog.ts";

interface PandasFile {
  path: string;
  columns: Array<{ name: string; dtype: string; values: unknown[] }>;
}

/** The dtype pandas gives a column of ours when it reads it back. */
function pandasDType(dtype: DType): string {
  if (isFloat(dtype)) return "float64";
  if (dtype === "bool") return "bool";
  if (dtype === "string" || dtype === "object") return "object";
  return "int64";
}

/** A cell as readCsv.py writes it (integers as text, non-finite floats as Python's repr). */
function pandasValue(value: unknown, dtype: DType): unknown {
  if (typeof value === "bigint" || (typeof value === "number" && !isFloat(dtype))) return String(value);
  if (typeof value === "number" && !Number.isFinite(value))
    return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  return value;
}

const csv = exportFormatNamed("csv");
let catalog: ExportCatalog;
before(async () => {
  catalog = await exportCatalog([
    "bluesky-tutorials/example_data",
    "apstools/tests/usaxs.json",
    "apstools/440_specwriter_problem_run",
  ]);
});
after(() => catalog.close());

describe("csv export", () => {
  test("every stream of every run: pandas reads the values and dtypes the stream holds", async () => {
    const runs: RunLike[] = [];
    for await (const run of catalog.broker) runs.push(run);
    assert.equal(runs.length, 28);
    const directory = catalog.directory();
    const summary = await exportRuns(runs, directory, { format: csv });
    assert.deepEqual(summary.failed, []);
    // Every file in one python3 run; then each compared with its stream.
    const files = summary.exported.flatMap((exported) => {
      const run = runs.find((candidate) => candidate.uid === exported.uid) as RunLike;
      return run.streamNames.map((stream) => ({
        run,
        stream,
        path: join(directory, exported.name, `${run.uid}-${stream}.csv`),
        strings: Object.entries(run.stream(stream).dataKeys)
          .filter(([, key]) => key.dtype === "string")
          .map(([name]) => name),
      }));
    });
    const read = await pythonReader<PandasFile>("readCsv.py", [
      JSON.stringify(files.map(({ path, strings }) => ({ path, strings }))),
    ]);
    let columns = 0;
    for (const [i, { run, stream: streamName }] of files.entries()) {
      const stream = run.stream(streamName);
      const fields = read[i].columns.slice(1, -1).map((column) => column.name);
      const table = await stream.read({ fill: true, fields });
      const scalars = stream.fields.filter((field) => (stream.dataKeys[field].shape ?? []).length === 0);
      assert.deepEqual(fields, scalars, `${run.uid} ${streamName}`);
      assert.deepEqual(
        read[i].columns.map((column) => column.name),
        ["time", ...fields, "seq_num"],
      );
      for (const column of read[i].columns) {
        const dtype = table.dtype(column.name);
        const where = `${run.uid} ${streamName} ${column.name}`;
        if (table.length > 0) assert.equal(column.dtype, pandasDType(dtype), where);
        const values = Array.from({ length: table.length }, (_, row) =>
          pandasValue(cellValue(table.column(column.name), row), dtype),
        );
        assert.deepEqual(column.values, values, where);
        columns++;
      }
    }
    assert.ok(columns > 500, `${columns} columns compared`);
  });

  test("array fields are no columns: the note names them with their shapes", async () => {
    const withArrays = await catalog.broker.runs();
    let noted = 0;
    for await (const run of withArrays) {
      const arrays = run.streamNames.flatMap((stream) =>
        run
          .stream(stream)
          .fields.filter((field) => (run.stream(stream).dataKeys[field].shape ?? []).length > 0)
          .map((field) => `${stream}\t${field} [`),
      );
      if (arrays.length === 0) continue;
      const directory = catalog.directory();
      const summary = await exportRuns([run], directory, { format: csv, template: "{uid}" });
      const note = readFileSync(join(directory, run.uid, `${run.uid}-omitted-fields.txt`), "utf8");
      for (const line of arrays) assert.ok(note.includes(line), `${line} in ${note}`);
      const header = readFileSync(
        join(directory, run.uid, `${run.uid}-${run.streamNames[0]}.csv`),
        "utf8",
      ).split("\r\n")[0];
      for (const line of arrays) assert.ok(!header.split(",").includes(line.split("\t")[1].split(" ")[0]));
      assert.equal(summary.exported.length, 1);
      noted++;
    }
    assert.ok(noted >= 8, `${noted} runs with array fields`);
  });

  test("file_prefix names the files; a tar stream carries the folder; a run without streams is an error", async () => {
    const [run] = await catalog.broker.page({ limit: 1 });
    const directory = catalog.directory();
    await exportRuns([run], directory, {
      format: csv,
      template: "out",
      settings: { options: { "csv.file_prefix": "scan{scan_id}_" } },
    });
    assert.deepEqual(
      readdirSync(join(directory, "out")).sort(),
      run.streamNames.map((stream) => `scan${run.start.scan_id}_${stream}.csv`).sort(),
    );
    const chunks: Buffer[] = [];
    const { PassThrough } = await import("node:stream");
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await exportToStream([run], out, { format: csv }, "runs");
    const tar = Buffer.concat(chunks).toString("latin1");
    assert.ok(tar.includes(`${run.uid}-primary.csv`));
    const empty = { ...run, streamNames: [], uid: run.uid, start: run.start } as unknown as RunLike;
    await assert.rejects(
      csv.layout === "folder"
        ? csv.write(empty, { file: async () => {}, copy: async () => {} }, { options: {} })
        : Promise.resolve(),
      (error: unknown) => error instanceof NotFoundError && error.message.includes(run.uid),
    );
  });
});
