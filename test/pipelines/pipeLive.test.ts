// `databroker pipe` following live runs, a real process on a SQLite catalog that this test writes to as a
// RunEngine would (start, pages, stop in separate puts): a run stopped before the pipe started, one in progress
// then, one started while it follows, each derived as numpy says; SIGTERM ends it gracefully, a run still
// open left unfinished, which the next pipe completes once it has stopped.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Broker } from "../../src/broker/Broker.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { derivedUidOf } from "../../src/pipelines/deriveRun.ts";
import { withDefaults } from "../../src/pipelines/processorParams.ts";
import { processors } from "../../src/pipelines/processors/index.ts";
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
