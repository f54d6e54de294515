// startWorker: a TypeScript module runs in a worker thread (bundled by esbuild); a bundle is reused by later
// processes while its files are unchanged, and built again when one of them changes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startWorker } from "../../src/workers/startWorker.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(ROOT, "node_modules", ".cache", "databroker-workers");

test("a TypeScript module runs in a worker thread and receives its data", async () => {
  const worker = startWorker(new URL("./echoWorker.ts", import.meta.url), { factor: 3 });
  worker.postMessage([1, 2, 3]);
  const [reply] = await once(worker, "message");
  assert.deepEqual(reply, [3, 6, 9]);
  await worker.terminate();
});

test("with bundles turned off, the worker registers tsx itself and runs the same", () => {
  const script = join(dir, "unbundled.mts");
  writeFileSync(
    script,
    `import { once } from "node:events";
import { startWorker } from ${JSON.stringify(join(ROOT, "src/workers/startWorker.ts"))};
const worker = startWorker(new URL(${JSON.stringify(new URL("./echoWorker.ts", import.meta.url).href)}), { factor: 2 });
worker.postMessage([4, 5]);
const [reply] = await once(worker, "message");
console.log(JSON.stringify(reply));
await worker.terminate();
`,
  );
  const run = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DATABROKER_WORKER_BUNDLES: "off" },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "[8,10]");
});

// Inside the project (its packages must resolve), in a folder git ignores.
const dir = mkdtempSync(join(ROOT, "node_modules", ".cache", "databroker-worker-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a fresh process that starts `worker.mts` of `dir` and prints its one message. */
function answerOfNewProcess(): string {
  const script = join(dir, "main.mts");
  writeFileSync(
    script,
    `import { once } from "node:events";
import { startWorker } from ${JSON.stringify(join(ROOT, "src/workers/startWorker.ts"))};
const worker = startWorker(new URL("./worker.mts", import.meta.url));
const [answer] = await once(worker, "message");
console.log(answer);
await worker.terminate();
`,
  );
  const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

/** The cache's manifest of `worker.mts` (named by the hash of its path) and when it was written. */
function manifest(): { code: string; written: number } {
  const name = createHash("sha256").update(join(dir, "worker.mts")).digest("hex").slice(0, 24);
  const path = join(CACHE, `${name}.json`);
  return { code: JSON.parse(readFileSync(path, "utf8")).code, written: statSync(path).mtimeMs };
}

test("a bundle is reused while its files are unchanged and built again when one changes", () => {
  writeFileSync(
    join(dir, "worker.mts"),
    `import { parentPort } from "node:worker_threads";
import { word } from "./word.mts";
parentPort?.postMessage(word satisfies string);
`,
  );
  writeFileSync(join(dir, "word.mts"), `export const word: string = "first";\n`);
  assert.equal(answerOfNewProcess(), "first");
  const built = manifest();
  assert.equal(answerOfNewProcess(), "first");
  assert.deepEqual(
    manifest(),
    built,
    "the second process reused the bundle: its manifest was not written again",
  );
  // The imported file changes (another size, a later time): the next process builds the bundle again.
  writeFileSync(join(dir, "word.mts"), `export const word: string = "second!";\n`);
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, "word.mts"), later, later);
  assert.equal(answerOfNewProcess(), "second!");
  assert.notEqual(manifest().code, built.code);
  assert.equal(existsSync(join(CACHE, built.code)), false, "the replaced bundle is removed");
  assert.equal(existsSync(join(CACHE, manifest().code)), true);
});
