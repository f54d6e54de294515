// `npm run build` (run by `npm ci` through `prepare`): compiles src/ into dist/ so that the command and the
// library start without compiling TypeScript. Three outputs:
//   dist/index.js (+ chunks beside it): the library, packages left as imports (a program that also imports
//     apache-arrow shares one copy with it), code behind a dynamic import() split off;
//   dist/cli.js (+ chunks beside it): the command, with its pure-JavaScript packages inlined: Node resolves and
//     compiles apache-arrow's ~500 module files in ~170 ms at every start, one bundled file in ~10 ms;
//   dist/workers/<name>.js: one self-contained bundle per worker thread module (startWorker starts these);
//   dist/types/: tsc's declarations of the library entry, import paths ending .js as a package's must;
//   dist/web/: the web page (web/, built by Vite from web/vite.config.ts), which `databroker serve` serves at /.
// `--web` builds the page alone (about a second), leaving the rest of dist/ as it is.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { build as viteBuild } from "vite";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DIST = join(ROOT, "dist");

/** The modules run in worker threads: each `startWorker(new URL("./<name>.ts", import.meta.url))`. */
const WORKERS = ["src/storage/sqlite/writer/writerThread.ts", "src/documents/formats/jsonLinesWorker.ts"];

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
};

/**
 * Packages the command and the workers leave as imports: native addons, packages that load files beside their
 * own code, and the server's (fastify and its plugins find each other at run time).
 */
const KEPT_EXTERNAL = [
  "better-sqlite3",
  "pg",
  "pg-*",
  "h5wasm",
  "parquet-wasm",
  "msgpackr",
  "fastify",
  "@fastify/*",
];

/** CommonJS packages inlined in an ES module still call require() for Node's own modules. */
const REQUIRE_BANNER =
  'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

async function buildJavaScript() {
  const split = {
    splitting: true,
    outdir: DIST,
    chunkNames: "[name]-[hash]", // beside the entries: startWorker finds ./workers/ from any of them
  };
  await build({ ...common, ...split, packages: "external", entryPoints: { index: "src/index.ts" } });
  const inlined = { ...common, external: KEPT_EXTERNAL, banner: { js: REQUIRE_BANNER } };
  await build({ ...inlined, ...split, entryPoints: { cli: "src/cli/main.ts" } });
  // Workers are separate builds: a worker bundle shares no chunk with the main thread's, so startWorker finds
  // it by name alone (dist/workers/<name>.js), wherever its own code was bundled.
  const names = WORKERS.map((path) => basename(path, ".ts"));
  if (new Set(names).size !== names.length) throw new Error(`two worker modules share a name: ${names}`);
  await build({
    ...inlined,
    entryPoints: Object.fromEntries(WORKERS.map((path, i) => [names[i], path])),
    outdir: join(DIST, "workers"),
  });
}

/** Declarations name their imports as the sources do (`./Broker.ts`); a package's must name the .js files. */
function rewriteDeclarationImports(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) rewriteDeclarationImports(path);
    else if (entry.name.endsWith(".d.ts")) {
      const text = readFileSync(path, "utf8");
      const rewritten = text.replace(/(["'])(\.{1,2}\/[^"']*?)\.ts\1/g, "$1$2.js$1");
      if (rewritten !== text) writeFileSync(path, rewritten);
    }
  }
}

function buildDeclarations() {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("tsc could not write the declarations (see above)");
  rewriteDeclarationImports(join(DIST, "types"));
}

/**
 * In a clone, links the command into node_modules/.bin as npm does for a dependency's: `npx databroker` then
 * runs this checkout at once. Without the link npm takes the project for a package to install, and packs and
 * builds it again (~10 s, rewriting dist/ under any databroker already running).
 */
function linkCommandInClone() {
  const bin = join(ROOT, "node_modules", ".bin");
  if (ROOT.split(/[\\/]/).includes("node_modules") || !existsSync(join(ROOT, "node_modules"))) return;
  const link = join(bin, "databroker");
  const target = join("..", "..", "bin", "databroker.js");
  if (linkTarget(link) === target) return;
  // Made aside and renamed over: an `npx databroker` running meanwhile never finds the link missing.
  mkdirSync(bin, { recursive: true });
  const made = `${link}.${process.pid}`;
  rmSync(made, { force: true });
  symlinkSync(target, made);
  renameSync(made, link);
}

function linkTarget(path) {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** The page into dist/web/ (the config empties it first). */
async function buildWebPage() {
  await viteBuild({ configFile: join(ROOT, "web", "vite.config.ts") });
}

const started = new Date();
if (process.argv.includes("--web")) {
  await buildWebPage();
  console.log(`databroker: built dist/web/ in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
  process.exit(0);
}
rmSync(DIST, { recursive: true, force: true });
await buildJavaScript();
if (!process.argv.includes("--no-types")) buildDeclarations();
await buildWebPage();
linkCommandInClone();
// bin/databroker.js runs dist/ only when no source file changed since the build began: this file's time
// says when it began (a file saved during the build may not be in it).
const stamp = join(DIST, "built-at");
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
console.log(`databroker: built dist/ in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
