// The package as people get it: `npm pack` of a copy of this project (its `prepare` build runs there, never in
// the checkout other tests are running), installed from the tarball into a new project, then imported from
// JavaScript and TypeScript (tsc against the installed declarations), searched, and run as `npx databroker`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dataPath, projectRoot } from "./support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-package-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const source = join(scratch, "source");
const consumer = join(scratch, "consumer");
const catalog = join(scratch, "aps.db");

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The packed tarball's path: what `npm pack` makes of the project's files as they are now. */
function pack(): string {
  for (const file of [
    "package.json",
    "package-lock.json",
    "README.md",
    "tsconfig.json",
    "tsconfig.build.json",
  ]) {
    copyFileSync(join(projectRoot, file), join(source, file));
  }
  for (const dir of ["bin", "scripts", "src", "web"])
    cpSync(join(projectRoot, dir), join(source, dir), { recursive: true });
  symlinkSync(join(projectRoot, "node_modules"), join(source, "node_modules"));
  run("npm", ["pack", "--pack-destination", scratch, "--silent"], source);
  const [tarball] = readdirSync(scratch).filter((name) => name.endsWith(".tgz"));
  return join(scratch, tarball);
}

before(() => {
  mkdirSync(source);
  mkdirSync(consumer);
  const tarball = pack();
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  // From the npm cache as `npm ci` left it (the registry only for what is missing). Install scripts are
  // skipped: better-sqlite3 would compile SQLite for minutes; its addon is the project's own, same version.
  run(
    "npm",
    ["install", tarball, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"],
    consumer,
  );
  const addon = join("node_modules", "better-sqlite3", "build", "Release");
  mkdirSync(join(consumer, addon), { recursive: true });
  copyFileSync(join(projectRoot, addon, "better_sqlite3.node"), join(consumer, addon, "better_sqlite3.node"));
  // The installed command makes the catalog the programs below search.
  run(
    "npx",
    ["--no-install", "databroker", "ingest", dataPath("apstools", "tests"), "--catalog", catalog],
    consumer,
  );
});

test("the package ships its build, not its sources", () => {
  const installed = join(consumer, "node_modules", "databroker");
  const top = readdirSync(installed).sort();
  assert.deepEqual(top, ["README.md", "bin", "dist", "package.json"]);
  assert.ok(readdirSync(join(installed, "dist", "workers")).includes("writerThread.js"));
  assert.ok(readdirSync(join(installed, "dist", "web")).includes("index.html"), "the web page is built in");
});

test("npx databroker --help runs the installed command", () => {
  const help = run("npx", ["--no-install", "databroker", "--help"], consumer);
  assert.match(help, /^Usage: databroker/);
  assert.match(help, /ingest/);
});

const SEARCH = `
const broker = await Broker.open("sqlite://${catalog}");
const count: number = await broker.search(key("plan_name").eq("scan").and(key("scan_id").ge(5))).count();
const table = await (await broker.run(6)).stream("primary").read({ fields: ["noisy_det"] });
console.log(count, table.length);
await broker.close();
`;

test("a JavaScript module imports { Broker, key } and searches a catalog", () => {
  writeFileSync(
    join(consumer, "search.mjs"),
    `import { Broker, key } from "databroker";\n${SEARCH.replace(": number", "")}`,
  );
  assert.equal(run(process.execPath, ["search.mjs"], consumer).trim(), "4 8");
});

test("a TypeScript project type-checks against the installed declarations", () => {
  writeFileSync(join(consumer, "search.ts"), `import { Broker, key } from "databroker";\n${SEARCH}`);
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", strict: true, noEmit: true, types: ["node"] },
      files: ["search.ts"],
    }),
  );
  const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
  run(process.execPath, [tsc, "-p", "tsconfig.json"], consumer);
});
