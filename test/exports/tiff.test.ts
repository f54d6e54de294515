// The tiff export (suitcase-tiff stacks) read back by tifffile: one file per (stream, image field), shape
// [frames, y, x], the dtype kept and the pixels those the stream's field holds. Real NPY images of a
// databroker-pack (through its root_map) and inline frames of synthetic runs; BigTIFF on request; a run
// without images is an error, not an empty folder.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunLike } from "../../src/broker/BrokerLike.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { exportFormatNamed, exportRuns } from "../../src/exports/index.ts";
import { type NDArray, toNested } from "../../src/tables/NDArray.ts";
import { pythonReader } from "../support/pythonReader.ts";
import { dataPath } from "../support/sharedData.ts";
import { type ExportCatalog, exportCatalog } from "./exportCatalog.ts";
import { syntheticRun } from "./syntheticRun.ts";

interface TiffRead {
  path: string;
  shape: number[];
  dtype: string;
  pages: number;
  bigtiff: boolean;
  sha256: string;
}

const tiff = exportFormatNamed("tiff");

function frame(seq: number, height: number, width: number, value: (y: number, x: number) => number) {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => value(y, x + seq)));
}

const images = syntheticRun(
  { plan_name: "count", detectors: ["cam"] },
  {
    primary: {
      dataKeys: {
        cam_u16: { dtype: "array", shape: [32, 48], dtype_numpy: "<u2" },
        cam_f32: { dtype: "array", shape: [32, 48], dtype_numpy: "<f4" },
        burst: { dtype: "array", shape: [3, 5, 7], dtype_numpy: "<i4" },
        x: { dtype: "number" },
      },
      events: 10,
      data: (seq) => ({
        cam_u16: frame(seq, 32, 48, (y, x) => (y * 1000 + x * 17 + seq) % 65536),
        cam_f32: frame(seq, 32, 48, (y, x) => (y - x) / 8 + seq * 0.5),
        burst: [0, 1, 2].map((k) => frame(seq, 5, 7, (y, x) => -1000 * k + y * 7 + x - seq)),
        x: seq / 3,
      }),
    },
    // A second stream with its own frames: a file of its own.
    dark: {
      dataKeys: {
        cam_u16: { dtype: "array", shape: [32, 48], dtype_numpy: "<u2" },
        // 300x400 float64: 960 kB a frame, in many strips.
        wide: { dtype: "array", shape: [300, 400], dtype_numpy: "<f8" },
      },
      events: 2,
      data: (seq) => ({
        cam_u16: frame(seq, 32, 48, () => seq),
        wide: frame(seq, 300, 400, (y, x) => y / (x + 1)),
      }),
    },
  },
);
const scalarsOnly = syntheticRun(
  { plan_name: "scan", motors: ["x"] },
  { primary: { dataKeys: { x: { dtype: "number" } }, events: 3, data: (seq) => ({ x: seq }) } },
);
const uidOf = (pairs: typeof images) => (pairs[0][1] as { uid: string }).uid;

/** numpy's name of our dtype, little-endian as readTiff.py reports. */
const NUMPY: Record<string, string> = {
  uint16: "uint16",
  float32: "float32",
  int32: "int32",
  float64: "float64",
};

function sha256(array: NDArray): string {
  const data = array.data as Uint8Array;
  return createHash("sha256")
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
}

let catalog: ExportCatalog;
before(async () => {
  catalog = await exportCatalog(
    ["databroker-pack/simple_catalog", "bluesky-tutorials/example_data"],
    [images, scalarsOnly],
  );
});
after(() => catalog.close());

/** Exports `runs`, reads every file with tifffile and checks each against its stream's field. */
async function exportAndCompare(runs: RunLike[], options: Record<string, string> = {}) {
  const directory = catalog.directory();
  const summary = await exportRuns(runs, directory, {
    format: tiff,
    template: "{uid}",
    settings: { options },
  });
  const expected: Array<{ path: string; field: NDArray }> = [];
  for (const exported of summary.exported) {
    const run = runs.find((candidate) => candidate.uid === exported.uid) as RunLike;
    const files = readdirSync(join(directory, exported.name)).sort();
    const wanted: string[] = [];
    for (const streamName of run.streamNames) {
      const stream = run.stream(streamName);
      for (const name of stream.fields) {
        const shape = stream.dataKeys[name].shape ?? [];
        if (shape.length < 2) continue;
        const file = `${run.uid}-${streamName}-${name}.tiff`;
        wanted.push(file);
        expected.push({ path: join(directory, exported.name, file), field: await stream.field(name) });
      }
    }
    assert.deepEqual(files, wanted.sort());
  }
  const read = await pythonReader<TiffRead>(
    "readTiff.py",
    expected.map(({ path }) => path),
  );
  for (const [i, { path, field }] of expected.entries()) {
    const frames =
      field.shape.length === 4 ? [field.shape[0] * field.shape[1], ...field.shape.slice(2)] : field.shape;
    assert.deepEqual(read[i].shape, frames, path);
    assert.equal(read[i].dtype, NUMPY[field.dtype], path);
    assert.equal(read[i].sha256, sha256(field), path);
  }
  return { summary, read };
}

/** The catalog's runs that came from one source of the reference data. */
async function runsOf(source: string): Promise<RunLike[]> {
  const runs: RunLike[] = [];
  for await (const [name, doc] of readDocuments(dataPath(source)))
    if (name === "start") runs.push(await catalog.broker.run((doc as { uid: string }).uid));
  return runs;
}

describe("tiff export", () => {
  test("the databroker-pack's NPY images: a stack per image field, read by tifffile as the stream holds them", async () => {
    const runs = await runsOf("databroker-pack/simple_catalog");
    const { summary, read } = await exportAndCompare(runs);
    assert.ok(summary.exported.length >= 1, `${summary.exported.length} runs with images exported`);
    assert.ok(summary.failed.length >= 1, `${summary.failed.length} runs without images`);
    assert.ok(read.length >= 1);
    assert.ok(read.every((file) => file.dtype === "float64" && file.shape[1] === 10 && !file.bigtiff));
    // The pack's runs without an image field fail by name, they do not leave empty folders.
    for (const failed of summary.failed)
      assert.match(failed.message, /no image field .*nothing to export as TIFF/);
    assert.equal(summary.exported.length + summary.failed.length, runs.length);
  });

  test("inline frames: uint16 and float32 10x32x48, a 3-D field as 3 pages per event, a second stream's own file", async () => {
    const run = await catalog.broker.run(uidOf(images));
    const { summary, read } = await exportAndCompare([run]);
    assert.deepEqual(summary.failed, []);
    const byName = Object.fromEntries(read.map((file) => [file.path.split("/").at(-1), file]));
    const uid = uidOf(images);
    assert.deepEqual(byName[`${uid}-primary-cam_u16.tiff`].shape, [10, 32, 48]);
    assert.equal(byName[`${uid}-primary-cam_f32.tiff`].dtype, "float32");
    assert.deepEqual(byName[`${uid}-primary-burst.tiff`].shape, [30, 5, 7]);
    assert.deepEqual(byName[`${uid}-dark-cam_u16.tiff`].shape, [2, 32, 48]);
    assert.deepEqual(byName[`${uid}-dark-wide.tiff`].shape, [2, 300, 400]);
    // One value checked by hand: frame 3 of the uint16 stack, row 2, column 5.
    const u16 = toNested(await run.stream("primary").field("cam_u16")) as number[][][];
    assert.equal(u16[3][2][5], (2 * 1000 + (5 + 4) * 17 + 4) % 65536);
  });

  test("the tutorials' newton images have no handler: those runs fail naming the spec, the others have no images", async () => {
    const runs = await runsOf("bluesky-tutorials/example_data");
    const summary = await exportRuns(runs, catalog.directory(), { format: tiff });
    assert.equal(summary.exported.length, 0);
    const newton = summary.failed.filter((failed) =>
      /^run \S+, stream primary, field ns_image: .*no handler for spec "newton"/.test(failed.message),
    );
    // 7 of the tutorial files hold a Resource of spec newton.
    assert.equal(newton.length, 7, JSON.stringify(summary.failed.map((failed) => failed.message)));
    for (const failed of summary.failed)
      if (!newton.includes(failed))
        assert.match(failed.message, /no image field .*nothing to export as TIFF/);
  });

  test("BigTIFF (tiff.bigtiff=true, as for files of 4 GiB and more) reads back the same", async () => {
    const run = await catalog.broker.run(uidOf(images));
    const { read } = await exportAndCompare([run], { "tiff.bigtiff": "true" });
    assert.ok(read.every((file) => file.bigtiff));
  });

  test("a run without image fields is an error naming the run, not an empty folder", async () => {
    const run = await catalog.broker.run(uidOf(scalarsOnly));
    const directory = catalog.directory();
    const summary = await exportRuns([run], directory, { format: tiff });
    assert.equal(summary.exported.length, 0);
    assert.match(summary.failed[0].message, new RegExp(`run ${run.uid} has no image field`));
    assert.equal(existsSync(directory), false, "an export that wrote nothing leaves no folder");
  });
});
