// `databroker serve --mount NAME=URI` as a real process over two real SQLite catalogs: each catalog answers
// under its name, the root lists them (or, with --catalog, the root catalog's runs), SIGTERM closes all; a
// mount that cannot be opened or a bad --mount is one line naming it and exit code 2.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { projectRoot } from "../support/sharedData.ts";
import { makeTreeCatalogs, type TreeCatalogs } from "./catalogTreeServer.ts";
import { spawnServer } from "./serveProcess.ts";

const run = promisify(execFile);

/** `databroker serve ARGS` expected to fail before listening: its exit code and stderr. */
async function failedServe(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [join(projectRoot, "bin/databroker.js"), "serve", "--port", "0", ...args], {
      env: { ...process.env, DATABROKER_CATALOG: "" },
      timeout: 60_000,
    });
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  assert.fail(`serve ${args.join(" ")} started`);
}

describe("databroker serve --mount", () => {
  let catalogs: TreeCatalogs;
  before(async () => {
    catalogs = await makeTreeCatalogs();
  });
  after(() => catalogs.remove());

  test("mounts only: the root lists the catalogs, each answers under its name; SIGTERM exits 0", async () => {
    const server = await spawnServer(
      ["serve", "--mount", `csx=${catalogs.files.csx}`, "--mount", `chx=${catalogs.files.chx}`],
      { DATABROKER_CATALOG: "" },
    );
    try {
      assert.match(server.output(), /is serving catalogs csx, chx at /);
      assert.match(server.output(), new RegExp(`chx: +${server.url}/api/v1/search/chx\\?api_key=`));
      const headers = { authorization: `Apikey ${server.apiKey}` };
      const root = (await (await fetch(`${server.url}/api/v1/search/`, { headers })).json()) as {
        data: Array<{ id: string }>;
      };
      assert.deepEqual(
        root.data.map((item) => item.id),
        ["csx", "chx"],
      );
      for (const name of ["csx", "chx"] as const) {
        const counted = (await (
          await fetch(`${server.url}/api/v1/search/${name}?fields=count`, { headers })
        ).json()) as { meta: { count: number } };
        assert.equal(counted.meta.count, catalogs.runs[name].size, name);
        // A run with a primary stream.
        const [uid] = [...catalogs.runs[name]].find(([, documents]) =>
          documents.some(
            ([kind, doc]) => kind === "descriptor" && (doc as { name?: string }).name === "primary",
          ),
        )!;
        const table = await fetch(`${server.url}/api/v1/table/full/${name}/${uid}/primary/data?format=csv`, {
          headers,
        });
        assert.equal(table.status, 200, `${name}/${uid}: ${await table.text()}`);
      }
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test("--catalog and a mount: the root catalog's runs at the root, the mounted one under its name", async () => {
    const server = await spawnServer([
      "serve",
      "--catalog",
      catalogs.files.csx,
      "--mount",
      `chx=${catalogs.files.chx}`,
    ]);
    try {
      assert.match(server.output(), new RegExp(`is serving ${catalogs.files.csx} and catalog chx at `));
      const headers = { authorization: `Apikey ${server.apiKey}` };
      const count = async (path: string) =>
        ((await (await fetch(`${server.url}/api/v1/search/${path}?fields=count`, { headers })).json()) as any)
          .meta.count;
      assert.equal(await count(""), catalogs.runs.csx.size);
      assert.equal(await count("chx"), catalogs.runs.chx.size);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test("a mount that cannot be opened: one line naming it, exit code 2", async () => {
    const notSqlite = join(catalogs.dir, "notes.sqlite");
    writeFileSync(notSqlite, "not a catalog\n");
    const { code, stderr } = await failedServe([
      "--mount",
      `csx=${catalogs.files.csx}`,
      "--mount",
      `broken=${notSqlite}`,
    ]);
    assert.equal(code, 2);
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.match(stderr, new RegExp(`^databroker: --mount broken=${notSqlite}: .*not a SQLite database`));
  });

  test("a bad --mount value: one line naming the value and the rule, exit code 2", async () => {
    for (const [value, rule] of [
      ["csx", /give NAME=URI/],
      [".hidden=x.sqlite", /must not start with '\.'/],
      ["=x.sqlite", /must not be empty/],
    ] as const) {
      const { code, stderr } = await failedServe(["--mount", value]);
      assert.equal(code, 2, value);
      assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
      assert.match(stderr, new RegExp(`--mount ${value.replace(".", "\\.")}: `), value);
      assert.match(stderr, rule, value);
    }
    const twice = await failedServe(["--mount", "a=x.sqlite", "--mount", "a=y.sqlite"]);
    assert.match(twice.stderr, /--mount a=y\.sqlite: a is mounted twice/);
  });
});
