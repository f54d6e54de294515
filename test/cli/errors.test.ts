// Clean failures of the command line: a catalog that cannot be opened is one line on stderr naming what was
// wrong and what to do, exit code 2, no stack (unless DATABROKER_DEBUG=1), and never a hang; reading commands
// create nothing; binary output and the help texts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { smallRun } from "../storage/syntheticRuns.ts";
import { projectRoot } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { databroker, databrokerBytes } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-errors-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const textFile = join(scratch, "x.db");
const catalog = join(scratch, "catalog.sqlite");
const run = smallRun({ plan_name: "count", scan_id: 7 }, 3, 1_600_000_000);

before(async () => {
  writeFileSync(textFile, "not a database\n");
  const store = new SqliteStore(catalog);
  await store.put(run.documents);
  await store.close();
});

/** Every command that opens a catalog, with what it needs besides --catalog. */
const COMMANDS: string[][] = [
  ["ls"],
  ["search", "scan_id == 1"],
  ["show", "-1"],
  ["table", "-1"],
  ["documents", "-1"],
  ["lineage", "-1"],
  ["fields"],
  // index writes, but a missing catalog is an error to it as to a read: it never creates one.
  ["index"],
  ["ingest", join(scratch, "nothing.jsonl")],
];

/** The commands of COMMANDS that only read. */
const READING = COMMANDS.filter(([command]) => command !== "ingest");

function assertCleanFailure(result: ReturnType<typeof databroker>, what: string): void {
  assert.equal(result.code, 2, `${what}: exit code ${result.code} (null: killed, a hang)\n${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: one line\n${result.stderr}`);
  assert.match(lines[0], /^databroker( \w+)?: /, what);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `${what}: no stack`);
}

const BAD_CATALOGS: Array<[string, RegExp]> = [
  ["sqlite:///proc/nope/x.db", /\/proc\/nope\/x\.db/],
  ["foo://bar", /not a catalog URI.*postgresql:\/\/.*file:\/\/\/.*memory:/],
  [textFile, /not a SQLite database/],
  ["sqlite://relative.db", /absolute path/],
  ["sqlite:///sys/databroker.db", /sys\/databroker\.db/],
  ["postgresql://127.0.0.1:1/nothing", /connection refused/],
];

for (const [uri, message] of BAD_CATALOGS) {
  test(`a bad catalog (${uri}): every command fails in one line, exit code 2`, () => {
    for (const command of COMMANDS) {
      const result = databroker([...command, "--catalog", uri]);
      assertCleanFailure(result, `${command[0]} ${uri}`);
      assert.match(result.stderr, message, `${command[0]} ${uri}`);
    }
  });
}

test("PostgreSQL: a missing database and an empty one are no catalog for reading", async () => {
  const server = await sharedPostgres();
  const missing = server.uri("no_such_database");
  const empty = await server.createDatabase();
  for (const uri of [missing, empty]) {
    for (const command of READING) {
      const result = databroker([...command, "--catalog", uri]);
      assertCleanFailure(result, `${command[0]} ${uri}`);
      assert.match(result.stderr, /no catalog at postgresql:\/\//);
    }
  }
  // A read created no schema: the database is still empty.
  const ls = databroker(["ls", "--catalog", empty]);
  assert.match(ls.stderr, /no databroker schema/);
});

test("reading commands on a missing catalog say so and create nothing (sqlite and file:// URIs)", () => {
  const folder = join(scratch, "no", "such", "dir");
  for (const uri of [`sqlite://${join(folder, "x.db")}`, join(folder, "x.sqlite"), `file://${folder}`]) {
    for (const command of READING) {
      const result = databroker([...command, "--catalog", uri]);
      assertCleanFailure(result, `${command[0]} ${uri}`);
      assert.match(result.stderr, /no catalog at /);
      assert.ok(!existsSync(join(scratch, "no")), `${command[0]} ${uri} created ${join(scratch, "no")}`);
    }
  }
  const emptyFile = join(scratch, "empty.db");
  writeFileSync(emptyFile, "");
  assert.match(databroker(["ls", "--catalog", emptyFile]).stderr, /no catalog at .*empty SQLite database/);
  assert.equal(readFileSync(emptyFile).length, 0);
});

test("DATABROKER_DEBUG=1 shows the stack", () => {
  const result = databroker(["ls", "--catalog", textFile], { DATABROKER_DEBUG: "1" });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^databroker ls: cannot open catalog/);
  assert.match(result.stderr, /^\s+at /m);
});

test("serve --port 70000: one line, exit code 2", () => {
  const result = databroker(["serve", "--port", "70000", "--catalog", "memory:"]);
  assertCleanFailure(result, "serve --port 70000");
  assert.match(result.stderr, /--port 70000: not a port number/);
});

test("serve --oidc-client-id without a provider: one line, exit code 2 (not a page with no OIDC sign-in)", () => {
  const result = databroker(["serve", "--oidc-client-id", "web", "--port", "0", "--catalog", "memory:"]);
  assertCleanFailure(result, "serve --oidc-client-id");
  assert.match(result.stderr, /--oidc-client-id .*give --oidc-issuer and --oidc-audience too/);
});

test("show N with no such scan_id says it looked for a scan_id (and for a uid prefix)", () => {
  const short = databroker(["show", "99", "--catalog", catalog]);
  assert.equal(short.code, 1);
  assert.equal(short.stderr, "databroker show: no run has scan_id 99\n");
  const long = databroker(["show", "99999", "--catalog", catalog]);
  assert.equal(long.stderr, "databroker show: no run has scan_id 99999, nor a uid starting with 99999\n");
});

test("every command's --help names every catalog kind", () => {
  for (const command of [
    "ls",
    "search",
    "show",
    "table",
    "documents",
    "ingest",
    "delete",
    "serve",
    "migrate",
    "start",
  ]) {
    const help = databroker([command, "--help"]).stdout.replace(/\s+/g, " ");
    for (const kind of ["sqlite:///", ".db/.sqlite", "postgresql://", "file:///", "memory:"])
      assert.ok(help.includes(kind), `${command} --help names ${kind}`);
  }
});

test("binary output: written to a pipe, to --output FILE and to --output -", () => {
  const piped = databrokerBytes(["table", "-1", "--format", "arrow", "--catalog", catalog]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout.subarray(0, 6).toString("latin1"), "ARROW1");
  const dash = databrokerBytes([
    "documents",
    "-1",
    "--format",
    "msgpack",
    "--output",
    "-",
    "--catalog",
    catalog,
  ]);
  assert.equal(dash.code, 0, dash.stderr);
  const file = join(scratch, "out", "run.msgpack");
  mkdirSync(join(scratch, "out"));
  const toFile = databrokerBytes([
    "documents",
    "-1",
    "--format",
    "msgpack",
    "--output",
    file,
    "--catalog",
    catalog,
  ]);
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.equal(toFile.stdout.length, 0);
  assert.deepEqual(readFileSync(file), dash.stdout);
  const csv = join(scratch, "out", "table.csv");
  assert.equal(databroker(["table", "-1", "--output", csv, "--catalog", catalog]).code, 0);
  assert.match(readFileSync(csv, "utf8"), /^seq_num,time/);
  const nowhere = databroker(["table", "-1", "--output", join(scratch, "no", "t.csv"), "--catalog", catalog]);
  assertCleanFailure(nowhere, "--output into a missing folder");
});

/** `databroker ARGS` with stdout and stderr on a pseudo-terminal (util-linux `script`): what the user sees. */
function onTerminal(args: string[]): { code: number | null; screen: string } {
  const command = [process.execPath, "bin/databroker.js", ...args].map((word) => `'${word}'`).join(" ");
  const result = spawnSync("script", ["-qec", command, "/dev/null"], {
    cwd: projectRoot,
    encoding: "latin1",
  });
  return { code: result.status, screen: result.stdout };
}

test("binary output on a terminal: refused in one line, exit 2, unless --output - asks for it", () => {
  for (const args of [
    ["table", "-1", "--format", "arrow"],
    ["documents", "-1", "--format", "msgpack"],
  ]) {
    const refused = onTerminal([...args, "--catalog", catalog]);
    assert.equal(refused.code, 2, refused.screen);
    assert.match(
      refused.screen,
      /^databroker (table|documents): --format (arrow|msgpack) is binary and stdout is a terminal: redirect it \(> file\), give --output FILE, or --output - to write it here anyway\r?\n$/,
    );
    const asked = onTerminal([...args, "--output", "-", "--catalog", catalog]);
    assert.equal(asked.code, 0, asked.screen);
    assert.ok(asked.screen.length > 20, "the bytes were written to the terminal");
  }
  const text = onTerminal(["table", "-1", "--catalog", catalog]);
  assert.equal(text.code, 0, text.screen);
  assert.match(text.screen, /^seq_num,time/);
});
