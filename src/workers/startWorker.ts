// Starts a worker thread running a TypeScript module of this project: esbuild bundles the module and the
// project files it imports into one file (the thread starts in ~30 ms, where tsx took ~150 ms of CPU), kept
// in node_modules/.cache and rebuilt when a file that went in changes. The built package (dist/) carries its
// worker bundles prebuilt, so there nothing is bundled at run time.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { workerData as currentWorkerData, Worker } from "node:worker_threads";

/** This module runs from the sources (through tsx) or from a bundle the build wrote into dist/. */
const FROM_SOURCES = import.meta.url.endsWith(".ts");

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(ROOT, "node_modules", ".cache", "databroker-workers");

/** What a bundle was built from (each input file's size and modification time), and its file's name. */
type Inputs = Record<string, string>;
interface Manifest {
  code: string;
  inputs: Inputs;
}

const bundles = new Map<string, URL>();

function stamp(path: string): string {
  const { size, mtimeMs } = statSync(path);
  return `${size}:${mtimeMs}`;
}

function unchanged(inputs: Inputs): boolean {
  try {
    return Object.entries(inputs).every(([path, was]) => stamp(path) === was);
  } catch {
    return false;
  }
}

/** Writes `text` to `path` whole: under another name first, so that no process reads half a file. */
function writeWhole(path: string, text: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** The bundle of `module`: the cached one if its files are unchanged, else built and cached now. */
function bundleOf(module: URL): URL {
  let bundle = bundles.get(module.href);
  if (bundle) return bundle;
  const entry = fileURLToPath(module);
  const name = createHash("sha256").update(entry).digest("hex").slice(0, 24);
  const manifestPath = join(CACHE, `${name}.json`);
  let manifest: Manifest | null = null;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  } catch {
    // No bundle yet (or a damaged manifest): build one.
  }
  // The bundle itself may be gone though its inputs are unchanged: another checkout sharing node_modules
  // (a git worktree) removes a bundle it replaced, and bundles are named by their text, so shared.
  if (!manifest || !unchanged(manifest.inputs) || !existsSync(join(CACHE, manifest.code))) {
    // Loaded here, not imported: only the sources bundle at run time, and esbuild costs start-up to load.
    const { buildSync } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
    const result = buildSync({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      write: false,
      metafile: true,
      logLevel: "silent",
      outfile: "worker.mjs",
    });
    const inputs: Inputs = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const path = resolve(ROOT, input);
      inputs[path] = stamp(path);
    }
    const contents = result.outputFiles[0].contents;
    // Named by its text: a manifest names exactly the code it was written with, whatever other processes do.
    const code = `${createHash("sha256").update(contents).digest("hex").slice(0, 24)}.mjs`;
    mkdirSync(CACHE, { recursive: true });
    writeWhole(join(CACHE, code), contents);
    const stale = manifest?.code;
    manifest = { code, inputs };
    writeWhole(manifestPath, JSON.stringify(manifest));
    // The bundle this one replaces was built from files that have changed since: nothing should start it.
    if (stale !== undefined && stale !== code) rmSync(join(CACHE, stale), { force: true });
  }
  bundle = pathToFileURL(join(CACHE, manifest.code));
  bundles.set(module.href, bundle);
  return bundle;
}

/** Where a bundle cannot be written (a read-only install), workers register tsx themselves: slower to start. */
const TYPESCRIPT_ENTRY = new URL("./typescriptWorker.mjs", import.meta.url);

/** Whether bundles are used: `DATABROKER_WORKER_BUNDLES=off` turns them off (tsx in each worker instead). */
function bundling(): boolean {
  return process.env.DATABROKER_WORKER_BUNDLES !== "off";
}

/** The build's bundle of a worker module: dist/workers/<name>.js, beside the bundle this code is in. */
function prebuiltBundleOf(module: URL): URL {
  return new URL(`./workers/${basename(fileURLToPath(module), ".ts")}.js`, import.meta.url);
}

/** A worker running `module` (a file URL of a .ts module); it finds `data` as `workerInput()`. */
export function startWorker(module: URL, data?: unknown): Worker {
  if (!FROM_SOURCES) return new Worker(prebuiltBundleOf(module), { workerData: { data } });
  let bundle: URL | null = null;
  try {
    if (bundling()) bundle = bundleOf(module);
  } catch (error) {
    // The cache folder cannot be written (read-only file system, no permission): tsx does the work instead.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EROFS" && code !== "EPERM") throw error;
  }
  if (bundle) return new Worker(bundle, { workerData: { data } });
  return new Worker(TYPESCRIPT_ENTRY, { workerData: { module: module.href, data } });
}

/** Inside a worker started by startWorker: the `data` it was given. */
export function workerInput<T>(): T {
  return (currentWorkerData as { data: T }).data;
}
