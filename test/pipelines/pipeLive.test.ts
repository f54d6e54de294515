// `databroker pipe` following live runs, a real process on a SQLite catalog that this test writes to as a
// RunEngine would (start, pages, stop in separate puts): a run stopped before the pipe started, one in progress
// then, one started while it follows, each derived as numpy says; SIGTERM ends it gracefully, a run still
// open left unfinished, which the next pipe completes once it has stopped. And in the library, a live run's
// detector frames (HDF5 through a Resource) read through the handlers by roi.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Broker } from "../../src/broker/Broker.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { type DerivedRunReport, derivedUidOf } from "../../src/pipelines/deriveRun.ts";
import { Pipeline } from "../../src/pipelines/Pipeline.ts";
import { withDefaults } from "../../src/pipelines/processorParams.ts";
import { processors } from "../../src/pipelines/processors/index.ts";
import { detectorRuns } from "../cli/detectorCatalog.ts";
import { databroker } from "../cli/storageCli.ts";
import { projectRoot } from "../support/sharedData.ts";
import { close, numbersOf, numpy, peakScan, type SyntheticRun, tempFolder } from "./pipelineRuns.ts";

const catalog = join(tempFolder(), "live.sqlite");
const ARGS = [
  "scan_id == 1",
  "--run",
  "rolling",
  "--param",
  "fields=det",
  "--param",
  "window=3",
  "--catalog",
  catalog,
];
const processor = processors.named("rolling");
const params = withDefaults(processor, { fields: ["det"], window: 3 });
const derivedOf = (run: SyntheticRun) => derivedUidOf(run.uid, { processor, params });

let writer: Broker;
after(() => writer?.close());

/** Resolves when `check` holds; a test that never sees it fails by the runner's timeout, not a clock here. */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await sleep(20);
}

/** The pipe's stderr as it comes, and its exit. */
function started(args: string[]): {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["bin/databroker.js", "pipe", ...args], { cwd: projectRoot });
  let text = "";
  child.stderr?.on("data", (chunk) => {
    text += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stderr: () => text, exit };
}

/** Every part but the stop, and the stop. */
function parts(run: SyntheticRun): [DocumentPair[], DocumentPair] {
  return [run.documents.slice(0, -1), run.documents[run.documents.length - 1]];
}

async function agreesWithNumpy(run: SyntheticRun): Promise<void> {
  const input = numbersOf((await (await writer.run(run.uid)).stream("primary").read()).column("det"));
  const expected = numpy<Record<string, Array<number | null>>>({ rolling: { det: input }, window: 3 });
  const scale = Math.max(...input.map((value) => Math.abs(value ?? 0)));
  const means = numbersOf(
    (await (await writer.run(derivedOf(run))).stream("primary").read()).column("det_mean"),
  );
  assert.equal(means.length, input.length);
  for (const [i, mean] of means.entries())
    assert.ok(close(mean, expected.det[i], scale), `det_mean[${i}] ${mean} vs ${expected.det[i]}`);
}

test("pipe follows runs as they are written, and stops gracefully", async () => {
  writer = await Broker.open(catalog);
  const done = peakScan("done", 1_700_000_000, 200, 1);
  const open = peakScan("open", 1_700_000_100, 1_500, 2);
  const later = peakScan("later", 1_700_000_200, 900, 3);
  const cut = peakScan("cut", 1_700_000_300, 600, 4);
  await writer.put(done.documents);
  const [openBody, openStop] = parts(open);
  await writer.put(openBody.slice(0, 3));

  const pipe = started(ARGS);
  await until(() => pipe.stderr().includes("following"));
  assert.match(pipe.stderr(), new RegExp(`run ${done.uid} derived -> ${derivedOf(done)} `));

  // The run in progress when the pipe started: its other pages and its stop arrive now.
  await writer.put(openBody.slice(3));
  await writer.put([openStop]);
  await until(async () => (await writer.store.stop(derivedOf(open))) !== undefined);

  // A run that starts while the pipe follows, written page by page.
  const [laterBody, laterStop] = parts(later);
  for (const pair of laterBody) await writer.put([pair]);
  await writer.put([laterStop]);
  await until(async () => (await writer.store.stop(derivedOf(later))) !== undefined);

  // A run still open at SIGTERM: what was derived of it is stored, the rest waits for the next pipe.
  const [cutBody, cutStop] = parts(cut);
  await writer.put(cutBody.slice(0, 3));
  await until(async () => (await writer.store.start(derivedOf(cut))) !== undefined);
  pipe.child.kill("SIGTERM");
  assert.equal(await pipe.exit, 0, pipe.stderr());
  const lines = pipe.stderr().trimEnd().split("\n");
  assert.ok(
    lines.some((line) =>
      line.startsWith(`pipe rolling: run ${cut.uid} left unfinished (stopped) -> ${derivedOf(cut)}`),
    ),
    pipe.stderr(),
  );
  assert.equal(
    lines.at(-1),
    "pipe rolling: 3 runs derived, 0 already derived, 0 failed, 1 unfinished (the next pipe finishes them)",
  );
  assert.equal(await writer.store.stop(derivedOf(cut)), undefined);

  await writer.put(cutBody.slice(3));
  await writer.put([cutStop]);
  const again = databroker(["pipe", ...ARGS, "--once"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /pipe rolling: 1 run derived, 3 already derived, 0 failed\n$/);
  for (const run of [done, open, later, cut]) await agreesWithNumpy(run);
});

test("a live run's external images are read through the handlers (roi over a Resource's HDF5 frames)", async () => {
  const folder = tempFolder();
  const made = detectorRuns(folder);
  const broker = await Broker.open(join(folder, "detector.sqlite"), { fileRoots: [made.files] });
  const stopping = new AbortController();
  try {
    const roi = processors.named("roi");
    const roiParams = withDefaults(roi, {
      field: "det-key2",
      roi: [{ name: "all", x0: 0, y0: 0, x1: 100, y1: 100 }],
    });
    const reports: DerivedRunReport[] = [];
    const failures: string[] = [];
    const pipeline = new Pipeline(
      broker,
      { processor: roi, params: roiParams, target: broker },
      {
        processed: (report) => reports.push(report),
        failed: (input, error) => failures.push(`${input}: ${error}`),
      },
    );
    const following = pipeline.followLive(stopping.signal);
    // The legacy run, stored in parts as a RunEngine stores it, after the pipe began to follow.
    const legacy = made.sources[1];
    const documents = readFileSync(legacy, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as DocumentPair);
    // The fixture's Resource names no run_start: it goes in with the start; then each document on its own.
    const firstEvent = documents.findIndex(([name]) => name === "event" || name === "event_page");
    await broker.put(documents.slice(0, firstEvent));
    for (const pair of documents.slice(firstEvent)) await broker.put([pair]);
    await until(() => reports.length + failures.length === 1);
    assert.deepEqual(failures, []);
    stopping.abort();
    await following;
    const sums = numbersOf(
      (await (await broker.run(reports[0].uid)).stream("primary").read()).column("roi_all"),
    );
    // numpy's statistics of the frames (test/support/detectorFiles.py): the sum of all, the least and greatest frame sum.
    const expected = made.expected["det-key2"];
    assert.equal(sums.length, expected.events);
    assert.equal(
      sums.reduce((total, sum) => (total ?? 0) + (sum ?? 0), 0),
      expected.sum,
    );
    assert.equal(Math.min(...(sums as number[])), expected.sumMin);
    assert.equal(Math.max(...(sums as number[])), expected.sumMax);
  } finally {
    stopping.abort();
    await broker.close();
  }
});
