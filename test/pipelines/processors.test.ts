// The built-in processors agree with numpy (numpyReference.py) on real scans (the apstools reference runs)
// and on seeded synthetic ones: peakstats as bluesky's PeakStats, rolling means, region sums of 2-D images and
// 3-D frames. Runs are stored in a real SQLite catalog, derived through the document router and read back.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { DataKey } from "../../src/documents/types.ts";
import { deriveRun } from "../../src/pipelines/deriveRun.ts";
import type { ProcessorParams } from "../../src/pipelines/Processor.ts";
import { withDefaults } from "../../src/pipelines/processorParams.ts";
import { processors } from "../../src/pipelines/processors/index.ts";
import { toNested } from "../../src/tables/NDArray.ts";
import { databroker } from "../cli/storageCli.ts";
import { dataPath } from "../support/sharedData.ts";
import { close, numbersOf, numpy, peakScan, seeded, syntheticRun, tempFolder } from "./pipelineRuns.ts";

const folder = tempFolder();
const catalog = join(folder, "catalog.sqlite");
let broker: Broker;

/** Derives `input` with the processor and returns the derived run's stream `stream` as columns of numbers. */
async function derived(processorName: string, given: ProcessorParams, input: string, stream: string) {
  const processor = processors.named(processorName);
  const params = withDefaults(processor, given);
  const run = await broker.run(input);
  const report = await deriveRun(run.start, run.documents({ fill: processor.fill }), {
    processor,
    params,
    target: broker,
  });
  assert.equal(report.outcome, "derived");
  const table = await (await broker.run(report.uid)).stream(stream).read();
  return Object.fromEntries(table.columnNames.map((name) => [name, numbersOf(table.column(name))]));
}

before(async () => {
  const ingest = databroker([
    "ingest",
    dataPath("apstools", "tests", "apstools.json"),
    "--catalog",
    catalog,
    "--quiet",
  ]);
  assert.equal(ingest.code, 0, ingest.stderr);
  broker = await Broker.open(catalog);
});
after(() => broker.close());

describe("peakstats", () => {
  const FIELDS = ["n", "min", "min_x", "max", "max_x", "com", "cen", "fwhm", "centroid", "crossings"];

  async function agreesWithNumpy(input: string, x: string, y: string): Promise<void> {
    const table = await (await broker.run(input)).stream("primary").read({ fields: [x, y] });
    const xs = numbersOf(table.column(x));
    const ys = numbersOf(table.column(y));
    const [expected] = numpy<Array<Record<string, number | null>>>({ peakstats: [[xs, ys]] });
    const stats = await derived("peakstats", { x, y }, input, "stats");
    const scale = Math.max(...xs.map((v) => Math.abs(v ?? 0)));
    for (const field of FIELDS) {
      const actual = stats[field][0];
      // Positions are compared at the scale of x (a centre near 0 is as exact as one far from it).
      const within = ["com", "cen", "fwhm", "centroid", "min_x", "max_x"].includes(field) ? scale : undefined;
      assert.ok(
        close(actual, expected[field] ?? null, within),
        `${input} ${field}: ${actual} vs numpy ${expected[field]}`,
      );
    }
  }

  test("the apstools scans of noisy_det over motor1, as numpy computes them", async () => {
    const scans: string[] = [];
    for await (const run of broker.search('plan_name == "scan"').runs()) {
      const keys = run.descriptors.flatMap((descriptor) => Object.keys(descriptor.data_keys));
      if (keys.includes("motor1") && keys.includes("noisy_det")) scans.push(run.uid);
    }
    assert.ok(scans.length >= 10, `found ${scans.length} scans`);
    for (const uid of scans) await agreesWithNumpy(uid, "motor1", "noisy_det");
  });

  test("seeded peaks: one, two, many points, a few", async () => {
    const runs = [
      peakScan("one-peak", 1_700_000_000, 301, 1),
      peakScan("two-peaks", 1_700_000_100, 2_001, 2, true),
      peakScan("few", 1_700_000_200, 3, 3),
      peakScan("single", 1_700_000_300, 1, 4),
    ];
    for (const run of runs) await broker.put(run.documents);
    for (const run of runs) await agreesWithNumpy(run.uid, "motor", "det");
  });

  test("a field the stream lacks fails the run by name, rather than giving n = 0", async () => {
    const run = peakScan("no-fields", 1_700_000_400, 10, 5);
    await broker.put(run.documents);
    await assert.rejects(
      derived("peakstats", { x: "motor", y: "absent" }, run.uid, "stats"),
      /^ValidationError: stream primary has no field absent \(its fields: motor, det\)$/,
    );
  });
});

test("rolling means of two fields agree with numpy's mean over each window", async () => {
  const random = seeded(11);
  const keys: Record<string, DataKey> = {
    a: { dtype: "number", shape: [], source: "SIM:a" },
    b: { dtype: "number", shape: [], source: "SIM:b" },
  };
  const run = syntheticRun("rolling", 1_700_001_000, keys, 1_234, () => ({
    a: 1e6 * (random() - 0.5),
    b: random() * 1e-3,
  }));
  await broker.put(run.documents);
  const input = await (await broker.run(run.uid)).stream("primary").read();
  const columns = { a: numbersOf(input.column("a")), b: numbersOf(input.column("b")) };
  for (const window of [1, 7, 100]) {
    const expected = numpy<Record<string, Array<number | null>>>({ rolling: columns, window });
    const means = await derived("rolling", { fields: ["a", "b"], window }, run.uid, "primary");
    assert.deepEqual(
      means.input_seq_num,
      Array.from({ length: 1_234 }, (_, i) => i + 1),
    );
    for (const field of ["a", "b"] as const) {
      const scale = Math.max(...columns[field].map((v) => Math.abs(v ?? 0)));
      means[`${field}_mean`].forEach((actual, i) => {
        assert.ok(
          close(actual, expected[field][i], scale),
          `window ${window} ${field}[${i}]: ${actual} vs ${expected[field][i]}`,
        );
      });
    }
  }
});

describe("roi", () => {
  const regions = [
    { name: "spot", box: [3, 2, 9, 7] },
    { name: "edge", box: [10, 12, 40, 40] },
    { name: "pixel", box: [0, 0, 1, 1] },
  ];
  const roiParams = {
    field: "img",
    roi: regions.map(({ name, box }) => ({ name, x0: box[0], y0: box[1], x1: box[2], y1: box[3] })),
  };

  async function agrees(label: string, shape: number[], value: (random: () => number) => number) {
    const random = seeded(label.length * 7919);
    const image = (): unknown => {
      const build = (dims: number[]): unknown =>
        dims.length === 0 ? value(random) : Array.from({ length: dims[0] }, () => build(dims.slice(1)));
      return build(shape);
    };
    const keys: Record<string, DataKey> = { img: { dtype: "array", shape, source: "SIM:img" } };
    const run = syntheticRun(label, 1_700_002_000, keys, 12, () => ({ img: image() }), 5);
    await broker.put(run.documents);
    const images = run.documents.flatMap(([name, doc]) =>
      name === "event_page" ? (doc.data.img as unknown[]) : [],
    );
    const expected = numpy<Record<string, number[]>>({ roi: images, regions });
    const sums = await derived("roi", roiParams, run.uid, "primary");
    for (const { name } of regions)
      sums[`roi_${name}`].forEach((actual, i) => {
        assert.ok(
          close(actual, expected[name][i]),
          `${label} ${name}[${i}]: ${actual} vs numpy ${expected[name][i]}`,
        );
      });
  }

  test("2-D integer images (regions clipped at the image's edge as numpy slices)", () =>
    agrees("roi-int", [15, 20], (random) => Math.floor(random() * 65_536)));
  test("2-D float images", () => agrees("roi-float", [16, 13], (random) => random() * 1e3 - 10));
  test("3-D frames are summed over every frame", () =>
    agrees("roi-frames", [3, 14, 11], (random) => Math.floor(random() * 4096)));

  test("external images are read through the handlers (databroker-pack NPY_SEQ)", async () => {
    const pack = await Broker.open(`file://${dataPath("databroker-pack", "simple_catalog")}`, {
      readOnly: true,
    });
    try {
      const run = await pack.run(3);
      const images = toNested(await run.stream("primary").field("img", { fill: true })) as unknown[];
      const expected = numpy<Record<string, number[]>>({ roi: images, regions });
      // The pack is read-only: the derived run goes to the test catalog, its input copied there for provenance.
      await broker.put(run.documents(), { trustResourcePaths: true });
      const processor = processors.named("roi");
      const params = withDefaults(processor, roiParams);
      const report = await deriveRun(run.start, run.documents({ fill: true }), {
        processor,
        params,
        target: broker,
      });
      const sums = await (await broker.run(report.uid)).stream("primary").read();
      for (const { name } of regions) assert.deepEqual(numbersOf(sums.column(`roi_${name}`)), expected[name]);
    } finally {
      await pack.close();
    }
  });
});
