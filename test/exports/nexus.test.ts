// The nexus export format, judged by an independent reader: every reference run (tutorial JSONL, the APS
// USAXS runs, the databroker-pack with its NPY images filled through root_map) is exported to .nxs and
// read back with Debian's python3 + h5py (test/support/readNexus.py); each stream's NXdata must hold what
// `stream.read({ fill: true })` gives (values, int/float types as numpy sees them, units), and its signal
// and axes must name datasets that are there. Then the name map (defaults, a YAML override, bad YAML
// files) and image frames (chunked one frame each).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { RunLike } from "../../src/broker/BrokerLike.ts";
import { Broker } from "../../src/broker/index.ts";
import { ingestPaths } from "../../src/cli/commands/ingest.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import { nexus as nexusFormat } from "../../src/exports/formats/nexus.ts";
import { exportFormatNamed, exportRuns, exportToStream } from "../../src/exports/index.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { type Column, columnLength } from "../../src/tables/Column.ts";
import { dtypeOfTypedArray, isTypedArray } from "../../src/tables/DType.ts";
import { isNDArray } from "../../src/tables/NDArray.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";

interface DatasetReport {
  dtype: string;
  shape: number[];
  chunks: number[] | null;
  attrs: Record<string, unknown>;
  is_target?: boolean;
  values?: unknown[];
}

interface NexusReport {
  path: string;
  root: Record<string, unknown>;
  groups: Record<string, string | null>;
  group_attrs: Record<string, Record<string, unknown>>;
  datasets: Record<string, DatasetReport>;
}

const nexus = exportFormatNamed("nexus");
const work = mkdtempSync(join(tmpdir(), "databroker-nexus-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Reads the files with h5py in one python3 process (values left out below the `--no-values` prefixes). */
async function readNexus(files: string[], noValues: string[] = []): Promise<NexusReport[]> {
  const { stdout } = await promisify(execFile)(
    "/usr/bin/python3",
    [
      join(projectRoot, "test/support/readNexus.py"),
      ...noValues.flatMap((prefix) => ["--no-values", prefix]),
      ...files,
    ],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as NexusReport);
}

let exportCount = 0;

/** Exports one run into a directory of its own; the summary and the file's path. */
async function exportRun(run: RunLike, options: Record<string, string> = {}) {
  const to = join(work, `export-${exportCount++}`);
  const summary = await exportRuns([run], to, { format: nexus, settings: { options } });
  const file = summary.exported[0] ? join(to, summary.exported[0].name) : "";
  return { summary, file };
}

/** The numpy dtype name h5py must report for what the broker's read gives. */
function expectedDType(column: Column): string {
  if (isNDArray(column)) {
    if (column.dtype === "bool") return "uint8";
    return isTypedArray(column.data) ? column.dtype : "string";
  }
  if (isTypedArray(column)) return dtypeOfTypedArray(column);
  const present = column.filter((value) => value !== null && value !== undefined);
  if (present.length > 0 && present.every((value) => typeof value === "boolean")) return "uint8";
  if (present.length > 0 && present.every((value) => typeof value === "number")) return "float64";
  return "string";
}

/** JSON of a value as Python's json gives it back (bigints as numbers, NaN as null). */
function jsonPlain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? Number(v) : v)) ?? "null");
}

/** The flat values h5py must give for a column (numbers flat, NaN as null; text one per row). */
function expectedValues(column: Column, dtype: string, datasetIsJson: boolean): unknown[] {
  const numbers = (data: ArrayLike<number | bigint>) =>
    Array.from(data, (v) => (typeof v === "bigint" ? Number(v) : Number.isNaN(v) ? null : v));
  if (isNDArray(column) && isTypedArray(column.data))
    return numbers(column.data as unknown as ArrayLike<number>);
  if (isTypedArray(column)) return numbers(column as unknown as ArrayLike<number>);
  const rows = column as unknown[];
  if (dtype === "uint8") return rows.map((v) => (v ? 1 : 0));
  if (dtype === "float64") return rows.map((v) => (typeof v === "number" && !Number.isNaN(v) ? v : null));
  if (!datasetIsJson) return rows.map((v) => v ?? "");
  return rows.map(jsonPlain);
}

/** Checks one exported run against what the broker reads of it. */
async function assertRunMatches(run: RunLike, report: NexusReport): Promise<void> {
  const label = `run ${run.uid}`;
  assert.equal(report.groups["/"], "NXroot", label);
  assert.equal(report.root.default, "entry", label);
  assert.equal(report.groups["/entry"], "NXentry", label);
  const entry = report.group_attrs["/entry"];
  const entryId = report.datasets["/entry/entry_identifier"];
  assert.deepEqual(entryId.values, [run.uid], label);
  assert.ok(report.datasets["/entry/start_time"], label);
  if (run.stop) assert.ok(report.datasets["/entry/end_time"], label);
  if (run.streamNames.includes("primary")) assert.equal(entry.default, "primary", label);
  for (const name of run.streamNames) {
    const stream = run.stream(name);
    const where = `${label} stream ${name}`;
    const group = `/entry/${name}`;
    assert.equal(report.groups[group], "NXdata", where);
    const attrs = report.group_attrs[group];
    const signal = attrs.signal as string;
    assert.ok(report.datasets[`${group}/${signal}`], `${where}: signal ${signal} is a dataset`);
    const axes = attrs.axes as string[];
    assert.ok(Array.isArray(axes) && axes.length >= 1, where);
    for (const axis of axes)
      assert.ok(axis === "." || report.datasets[`${group}/${axis}`], `${where}: axis ${axis} is a dataset`);
    const table = await stream.read({ fill: true });
    for (const field of table.columnNames) {
      const dataset = report.datasets[`${group}/${field.replaceAll("/", "_")}`];
      const at = `${where} field ${field}`;
      assert.ok(dataset, `${at} is in the NXdata`);
      const column = table.column(field);
      assert.equal(dataset.shape[0], columnLength(column), at);
      const dtype = expectedDType(column);
      assert.equal(dataset.dtype, dtype, at);
      const units = stream.dataKeys[field]?.units;
      if (typeof units === "string" && units !== "") assert.equal(dataset.attrs.units, units, at);
      if (dataset.values)
        assert.deepEqual(dataset.values, expectedValues(column, dtype, dataset.attrs.json === 1), at);
    }
  }
}

/** The tutorial runs whose image is `newton` (computed by a handler nobody has here), by uid. */
function newtonRuns(): Set<string> {
  const folder = dataPath("bluesky-tutorials/example_data");
  const uids = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith(".jsonl")))
    if (readFileSync(join(folder, file), "utf8").includes('"spec": "newton"'))
      uids.add(file.replace(".jsonl", ""));
  return uids;
}

describe("reference runs exported and read back with h5py", () => {
  let broker: Broker;
  before(async () => {
    const catalog = `sqlite://${join(work, "reference.sqlite")}`;
    const sources = [dataPath("bluesky-tutorials/example_data"), dataPath("apstools/tests/usaxs.json")];
    await ingestPaths(sources, catalog, { quiet: true, trustResourcePaths: true });
    broker = await Broker.open(catalog);
  });
  after(() => broker?.close());

  test("tutorial and USAXS runs: every stream's values, types, units, signal and axes", async () => {
    const newton = newtonRuns();
    assert.ok(newton.size > 0);
    const exported: Array<{ run: RunLike; file: string }> = [];
    for await (const run of broker) {
      const { summary, file } = await exportRun(run);
      if (newton.has(run.uid)) {
        // The image cannot be filled: the run fails, named, rather than being exported without it.
        assert.equal(summary.exported.length, 0, run.uid);
        assert.match(summary.failed[0].message, new RegExp(`run ${run.uid} stream primary`));
        assert.match(summary.failed[0].message, /filling external \w+.*no handler for spec "newton"/);
        continue;
      }
      assert.deepEqual(summary.failed, [], run.uid);
      exported.push({ run, file });
    }
    assert.equal(exported.length + newton.size, 27);
    const reports = await readNexus(exported.map(({ file }) => file));
    for (const [i, { run }] of exported.entries()) await assertRunMatches(run, reports[i]);
  });

  test("start, stop and configuration are NXcollections of datasets", async () => {
    const run = await broker.run(103); // tune_ar: a real motor, hinted dimensions and configuration
    const { file } = await exportRun(run);
    const [report] = await readNexus([file], ["/entry/baseline"]);
    assert.equal(report.groups["/entry/start"], "NXcollection");
    assert.equal(report.groups["/entry/stop"], "NXcollection");
    assert.deepEqual(report.datasets["/entry/start/uid"].values, [run.uid]);
    assert.deepEqual(report.datasets["/entry/start/scan_id"], {
      ...report.datasets["/entry/start/scan_id"],
      dtype: "int64",
      values: [103],
    });
    assert.deepEqual(report.datasets["/entry/stop/exit_status"].values, [run.stop?.exit_status]);
    assert.equal(report.groups["/entry/configuration/primary/scaler0"], "NXcollection");
    assert.deepEqual(report.datasets["/entry/title"].values, ["tune_ar 103"]);
    // hints.dimensions [[["a_stage_r"], "primary"]]: the motor is the axis, the hinted detector the signal.
    const primary = report.group_attrs["/entry/primary"];
    assert.deepEqual(primary.axes, ["a_stage_r"]);
    assert.equal(primary.a_stage_r_indices, 0);
    assert.ok(["PD_USAXS", "scaler0_time"].includes(primary.signal as string));
  });
});

describe("databroker-pack runs with their NPY images filled through root_map", () => {
  test("img is a [n, 10, 10] dataset chunked one frame each, equal to the filled read", async () => {
    const broker = await Broker.open(`file://${dataPath("databroker-pack/simple_catalog")}`);
    try {
      const runs: RunLike[] = [];
      const files: string[] = [];
      for await (const run of broker) {
        const { summary, file } = await exportRun(run);
        assert.deepEqual(summary.failed, [], run.uid);
        runs.push(run);
        files.push(file);
      }
      assert.ok(runs.length > 0);
      const reports = await readNexus(files);
      let images = 0;
      for (const [i, run] of runs.entries()) {
        await assertRunMatches(run, reports[i]);
        const img = reports[i].datasets["/entry/primary/img"];
        if (!img) continue;
        images++;
        assert.deepEqual(img.shape.slice(1), [10, 10]);
        assert.deepEqual(img.chunks, [1, 10, 10]);
        // The default map puts a detector image into its detector's NXdetector.
        assert.equal(img.attrs.target, "/entry/instrument/img/data");
      }
      assert.ok(images > 0, "some runs carry images");
    } finally {
      await broker.close();
    }
  });
});

/** A run of `frames` events: motor `th`, scalar detector `det`, monitor `I0` and a 2-D `cam_image`. */
function imageRun(frames: number, height: number, width: number): { uid: string; documents: DocumentPair[] } {
  const run = composeRun({
    plan_name: "scan",
    scan_id: 7,
    motors: ["th"],
    hints: { dimensions: [[["th"], "primary"]] },
  });
  const dataKeys: Record<string, DataKey> = {
    th: { dtype: "number", shape: [], source: "SIM:th", units: "deg" },
    det: { dtype: "number", shape: [], source: "SIM:det", units: "counts" },
    I0: { dtype: "integer", shape: [], source: "SIM:I0" },
    cam_image: { dtype: "array", dtype_numpy: "<u2", shape: [height, width], source: "SIM:cam" },
    label: { dtype: "string", shape: [], source: "SIM:label" },
  };
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: dataKeys,
    object_keys: { th: ["th"], det: ["det"], I0: ["I0"], cam: ["cam_image"], sample: ["label"] },
    hints: { det: { fields: ["det"] }, cam: { fields: [] } },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let f = 0; f < frames; f++) {
    const image = Array.from({ length: height }, (_, y) =>
      Array.from({ length: width }, (_, x) => (f * 1000 + y * width + x) % 65536),
    );
    const data = { th: f * 0.5, det: 100 + f, I0: 1000 + f, cam_image: image, label: `frame ${f}` };
    const timestamps = Object.fromEntries(Object.keys(data).map((key) => [key, run.start.time + f]));
    documents.push(["event", stream.composeEvent({ data, timestamps, time: run.start.time + f })]);
  }
  documents.push(["stop", run.composeStop()]);
  return { uid: run.start.uid, documents };
}

describe("name map and image frames", () => {
  const broker = new Broker(new MemoryStore());
  let run: RunLike;
  before(async () => {
    const synthetic = imageRun(20, 64, 64);
    await broker.put(synthetic.documents);
    run = await broker.run(synthetic.uid);
  });
  after(() => broker.close());

  test("20 frames of 64x64 uint16: a [20, 64, 64] dataset chunked (1, 64, 64), values equal", async () => {
    const { summary, file } = await exportRun(run);
    assert.deepEqual(summary.failed, []);
    const [report] = await readNexus([file]);
    await assertRunMatches(run, report);
    const frames = report.datasets["/entry/instrument/cam/data"];
    assert.equal(frames.dtype, "uint16");
    assert.deepEqual(frames.shape, [20, 64, 64]);
    assert.deepEqual(frames.chunks, [1, 64, 64]);
    assert.equal(frames.values?.[64 * 64 * 3 + 64 * 2 + 5], (3 * 1000 + 2 * 64 + 5) % 65536);
  });

  test("default map: th in NXsample, I0 in NXmonitor, the image in NXinstrument/NXdetector, linked", async () => {
    const { file } = await exportRun(run);
    const [report] = await readNexus([file], ["/entry/instrument", "/entry/primary/cam_image"]);
    assert.equal(report.groups["/entry/sample"], "NXsample");
    assert.equal(report.groups["/entry/monitor"], "NXmonitor");
    assert.equal(report.groups["/entry/instrument"], "NXinstrument");
    assert.equal(report.groups["/entry/instrument/cam"], "NXdetector");
    const rotation = report.datasets["/entry/sample/rotation_angle"];
    assert.equal(rotation.attrs.units, "deg");
    assert.deepEqual(rotation.values, report.datasets["/entry/primary/th"].values);
    // The NXdata names are hard links to the mapped datasets: one object, `target` naming where it lives.
    assert.equal(report.datasets["/entry/primary/th"].is_target, true);
    assert.equal(report.datasets["/entry/primary/th"].attrs.target, "/entry/sample/rotation_angle");
    assert.equal(report.datasets["/entry/primary/I0"].attrs.target, "/entry/monitor/data");
    assert.equal(report.datasets["/entry/monitor/data"].dtype, "int64");
    assert.equal(report.datasets["/entry/primary/cam_image"].is_target, true);
    const primary = report.group_attrs["/entry/primary"];
    assert.equal(primary.signal, "det");
    assert.deepEqual(primary.axes, ["th"]);
    // Unmapped fields stay under their own names only.
    assert.equal(report.datasets["/entry/primary/det"].attrs.target, undefined);
    assert.deepEqual(report.datasets["/entry/primary/label"].values?.slice(0, 2), ["frame 0", "frame 1"]);
  });

  test("a YAML map overrides the defaults: globs, device names, ~ to keep a name unmapped", async () => {
    const names = join(work, "names.yml");
    writeFileSync(
      names,
      [
        "# beamline 99: the rotation is the sample's phi; the image is not moved",
        "th: sample:NXsample/phi",
        "'kind:image': ~",
        "sample: sample:NXsample/{field}",
        "'d*': instrument:NXinstrument/counter:NXdetector",
      ].join("\n"),
    );
    const { summary, file } = await exportRun(run, { "nexus.names": names });
    assert.deepEqual(summary.failed, []);
    const [report] = await readNexus([file], ["/entry/primary/cam_image"]);
    assert.equal(report.datasets["/entry/primary/th"].attrs.target, "/entry/sample/phi");
    assert.equal(report.datasets["/entry/sample/rotation_angle"], undefined);
    assert.equal(report.groups["/entry/instrument/cam"], undefined);
    assert.equal(report.datasets["/entry/primary/cam_image"].attrs.target, undefined);
    // `sample` is the device of `label`: the device rule places it, keeping its own name.
    assert.deepEqual(report.datasets["/entry/sample/label"].values?.[0], "frame 0");
    assert.equal(report.groups["/entry/instrument/counter"], "NXdetector");
    assert.equal(report.datasets["/entry/primary/det"].attrs.target, "/entry/instrument/counter/det");
    // Defaults the file does not mention still apply.
    assert.equal(report.datasets["/entry/primary/I0"].attrs.target, "/entry/monitor/data");
  });

  test("a bad name map file fails the export with the file, line, key and rule", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["th: sample:NXsample/\n", "th", /line 1: key "th": .*empty segment.*\[nexus-path\]/],
      [
        "ok: sample:NXsample/x\nth: sample:nxsample/x\n",
        "th",
        /line 2: key "th": .*base class.*\[nexus-path\]/,
      ],
      ["th: [1, 2]\n", "th", /line 1: key "th": .*NeXus path.*\[value-type\]/],
      ["- th\n", "", /must be a mapping.*\[mapping\]/],
      ["th: a\nth: b\n", "", /line 2.*\[unique-keys\]/],
      ["'kind:spectrum': x:NXdata\n", "kind:spectrum", /only kind is kind:image.*\[kind\]/],
      ["th: mid/sample:NXsample/x\n", "th", /needs its class.*\[nexus-path\]/],
    ];
    for (const [i, [text, key, pattern]] of cases.entries()) {
      const file = join(work, `bad-${i}.yml`);
      writeFileSync(file, text);
      const unused = { write: async () => {}, writeVia: async () => {} };
      await assert.rejects(
        nexusFormat.write(run, unused, { options: { "nexus.names": file } }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.ok(error.message.includes(file), error.message);
          assert.match(error.message, pattern);
          assert.equal(error.findings[0]?.path, key);
          return true;
        },
        text,
      );
      // Through the driver the run is reported failed with the same message.
      const { summary } = await exportRun(run, { "nexus.names": file });
      assert.match(summary.failed[0]?.message ?? "", pattern);
    }
    const missing = join(work, "no-such-names.yml");
    const { summary } = await exportRun(run, { "nexus.names": missing });
    assert.match(summary.failed[0]?.message ?? "", /no-such-names\.yml.*does not exist/);
  });
});

describe("streams read in several chunks", () => {
  test("an int field missing from later events is float64 with NaN from the first row; frames keep going", async () => {
    const run = composeRun({ plan_name: "count", scan_id: 8 });
    const full = run.composeDescriptor({
      name: "primary",
      data_keys: {
        I0: { dtype: "integer", shape: [], source: "SIM:I0" },
        label: { dtype: "string", shape: [], source: "SIM:label" },
        frame: { dtype: "array", dtype_numpy: "<i4", shape: [2, 3], source: "SIM:frame" },
      },
    });
    // A second descriptor of the stream without I0 and label: their later rows are gaps.
    const partial = run.composeDescriptor({
      name: "primary",
      data_keys: { frame: { dtype: "array", dtype_numpy: "<i4", shape: [2, 3], source: "SIM:frame" } },
    });
    const documents: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", full.descriptor],
      ["descriptor", partial.descriptor],
    ];
    const frame = (n: number) => [
      [n, n + 1, n + 2],
      [n + 3, n + 4, n + 5],
    ];
    for (let n = 0; n < 10; n++) {
      const time = run.start.time + n;
      const event =
        n < 6
          ? full.composeEvent({
              data: { I0: 1000 + n, label: `event ${n}`, frame: frame(n) },
              timestamps: { I0: time, label: time, frame: time },
              time,
            })
          : partial.composeEvent({ data: { frame: frame(n) }, timestamps: { frame: time }, time });
      documents.push(["event", event]);
    }
    documents.push(["stop", run.composeStop()]);
    const broker = new Broker(new MemoryStore());
    try {
      await broker.put(documents);
      const stored = await broker.run(run.start.uid);
      const { summary, file } = await exportRun(stored, { "nexus.chunk_events": "3" });
      assert.deepEqual(summary.failed, []);
      const [report] = await readNexus([file]);
      await assertRunMatches(stored, report);
      const I0 = report.datasets["/entry/monitor/data"];
      assert.equal(I0.dtype, "float64");
      assert.deepEqual(I0.values, [1000, 1001, 1002, 1003, 1004, 1005, null, null, null, null]);
      assert.deepEqual(report.datasets["/entry/primary/label"].values?.slice(5), ["event 5", "", "", "", ""]);
      assert.deepEqual(report.datasets["/entry/primary/frame"].shape, [10, 2, 3]);
      assert.deepEqual(report.datasets["/entry/primary/seq_num"].values, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const bad = await exportRun(stored, { "nexus.chunk_events": "0" });
      assert.match(bad.summary.failed[0]?.message ?? "", /nexus\.chunk_events must be a whole number/);
    } finally {
      await broker.close();
    }
  });
});

describe("format registration and edge runs", () => {
  test("nexus is registered with its aliases, .nxs and application/x-hdf5", () => {
    for (const name of ["nexus", "nxs", "hdf5", "h5", "NeXus"])
      assert.equal(exportFormatNamed(name), nexusFormat);
    assert.equal(nexusFormat.extension, ".nxs");
    assert.equal(nexusFormat.mediaType, "application/x-hdf5");
    assert.equal(nexusFormat.carriesDocuments, false);
  });

  test("to a stream (HTTP, stdout) the file goes as it is written to disk", async () => {
    const run = composeRun({ plan_name: "count", scan_id: 10 });
    const primary = run.composeDescriptor({
      name: "primary",
      data_keys: { det: { dtype: "number", shape: [], source: "SIM:det", units: "counts" } },
    });
    const time = run.start.time + 1;
    const broker = new Broker(new MemoryStore());
    try {
      await broker.put([
        ["start", run.start],
        ["descriptor", primary.descriptor],
        ["event", primary.composeEvent({ data: { det: 2.5 }, timestamps: { det: time }, time })],
        ["stop", run.composeStop()],
      ]);
      const stored = await broker.run(run.start.uid);
      const chunks: Buffer[] = [];
      const out = new Writable({
        write(chunk, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      });
      await exportToStream([stored], out, { format: nexusFormat }, "ignored");
      const file = join(work, "streamed.nxs");
      writeFileSync(file, Buffer.concat(chunks));
      const [report] = await readNexus([file]);
      await assertRunMatches(stored, report);
      assert.deepEqual(report.datasets["/entry/primary/det"].values, [2.5]);
    } finally {
      await broker.close();
    }
  });

  test("a stream without events is an NXdata of empty datasets typed as declared", async () => {
    const run = composeRun({ plan_name: "count", scan_id: 9 });
    const primary = run.composeDescriptor({
      name: "primary",
      data_keys: { det: { dtype: "number", shape: [], source: "SIM:det" } },
    });
    const empty = run.composeDescriptor({
      name: "dark",
      data_keys: {
        note: { dtype: "string", shape: [], source: "SIM:note" },
        count: { dtype: "integer", shape: [], source: "SIM:count" },
        frame: { dtype: "array", dtype_numpy: "<u2", shape: [4, 4], source: "SIM:frame" },
      },
    });
    const time = run.start.time + 1;
    const documents: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", primary.descriptor],
      ["descriptor", empty.descriptor],
      ["event", primary.composeEvent({ data: { det: 1.5 }, timestamps: { det: time }, time })],
      ["stop", run.composeStop()],
    ];
    const broker = new Broker(new MemoryStore());
    try {
      await broker.put(documents);
      const stored = await broker.run(run.start.uid);
      const { summary, file } = await exportRun(stored);
      assert.deepEqual(summary.failed, []);
      const [report] = await readNexus([file]);
      await assertRunMatches(stored, report);
      assert.equal(report.datasets["/entry/dark/note"].dtype, "string");
      assert.deepEqual(report.datasets["/entry/dark/count"].shape, [0]);
      assert.equal(report.datasets["/entry/dark/count"].dtype, "int64");
      assert.deepEqual(report.datasets["/entry/dark/frame"].shape, [0, 4, 4]);
    } finally {
      await broker.close();
    }
  });
});
