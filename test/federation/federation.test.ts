// A federation of a SQLite file, a PostgreSQL database and a real `databroker serve` process, holding the
// reference runs dealt round-robin, against one SQLite catalog holding them all: listings, pages in several
// orders, searches, counts, distinct values, field listings, lookups and reads must agree. Then what a
// federation adds: a run two sources hold is listed once with both, a differing copy is reported, and a
// source stopped (SIGSTOP: it never answers) or killed leaves the others' answer with the report, within the
// source's time limit, in the library, over HTTP and on the command line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import type { RunSummary } from "../../src/catalog/RunSummary.ts";
import type { SortKey } from "../../src/catalog/SortKey.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import type { FederationSpec } from "../../src/storage/catalogs/CatalogSpec.ts";
import { FederationReport } from "../../src/storage/federation/FederationReport.ts";
import type { Table } from "../../src/tables/Table.ts";
import { freePort, type ServedProcess, spawnServer } from "../server/serveProcess.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

const KEY = "federation_test_key_0123456789";
const FILES = [
  ["apstools", "tests", "apstools.json"],
  ["apstools", "tests", "usaxs.json"],
  ["apstools", "callbacks-tests"],
];
const folder = mkdtempSync(join(tmpdir(), "databroker-federation-"));
const paths = {
  single: join(folder, "single.sqlite"),
  local: join(folder, "local.sqlite"),
  served: join(folder, "served.sqlite"),
};
let pgUri: string;
let served: ServedProcess;
let single: Broker;
let federation: Broker;
/** Each run's documents, and the source it was dealt to. */
const runs: Array<{ uid: string; documents: DocumentPair[]; source: string }> = [];

function spec(timeoutMs = 5_000): FederationSpec {
  return {
    name: "everything",
    federate: [
      { name: "local", uri: paths.local },
      { name: "pg", uri: pgUri },
      { name: "remote", uri: served.url, apiKey: KEY, timeoutMs },
    ],
  };
}

async function fill(uri: string, documents: DocumentPair[][]): Promise<void> {
  const broker = await Broker.open(uri);
  try {
    for (const run of documents) await broker.put(run);
  } finally {
    await broker.close();
  }
}

before(async () => {
  for (const file of FILES) {
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath(...file))) pairs.push(pair);
    for (const run of splitRuns(pairs).runs) {
      const start = run.documents.find(([name]) => name === "start")?.[1] as RunStart | undefined;
      if (start) runs.push({ uid: start.uid, documents: run.documents, source: "" });
    }
  }
  const names = ["local", "pg", "remote"];
  runs.forEach((run, i) => {
    run.source = names[i % 3];
  });
  const dealt = (name: string) => runs.filter((run) => run.source === name).map((run) => run.documents);
  pgUri = await (await sharedPostgres()).createDatabase();
  await fill(
    paths.single,
    runs.map((run) => run.documents),
  );
  await fill(paths.local, dealt("local"));
  await fill(pgUri, dealt("pg"));
  await fill(paths.served, dealt("remote"));
  served = await spawnServer(["serve", "--catalog", paths.served, "--api-key", KEY]);
  single = await Broker.open(paths.single, { readOnly: true });
  federation = await Broker.open(spec());
});

after(async () => {
  await federation?.close();
  await single?.close();
  if (served?.child.signalCode === "SIGSTOP") served.child.kill("SIGCONT");
  await served?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function listed(
  broker: Broker,
  options: Parameters<Broker["summaries"]>[0] = {},
): Promise<RunSummary[]> {
  const found: RunSummary[] = [];
  for await (const summary of broker.summaries(options)) found.push(summary);
  return found;
}

const uids = (summaries: RunSummary[]) => summaries.map((summary) => summary.uid);

/** `databroker ARGS` in the folder of a configuration naming the three sources and their federation. */
function databroker(...args: string[]) {
  writeFileSync(
    join(folder, "databroker.yml"),
    [
      "catalogs:",
      `  local: {uri: ${JSON.stringify(paths.local)}}`,
      `  pg: {uri: ${JSON.stringify(pgUri)}}`,
      `  remote: {uri: ${JSON.stringify(served.url)}, api_key_env: REMOTE_KEY, timeout_ms: 2000}`,
      "  everything: {federate: [local, pg, remote]}",
      "default: everything",
      "",
    ].join("\n"),
  );
  return spawnSync(process.execPath, [join(projectRoot, "bin/databroker.js"), ...args], {
    cwd: folder,
    encoding: "utf8",
    env: { ...process.env, REMOTE_KEY: KEY, DATABROKER_CATALOG: "", DATABROKER_CONFIG: "" },
  });
}

const listedUids = (stdout: string) => (JSON.parse(stdout) as Array<{ uid: string }>).map((run) => run.uid);

/** A table as plain values, for comparing tables read from different catalogs. */
function plain(table: Table): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(table.columns).map(([name, column]) => [name, Array.from(column as ArrayLike<unknown>)]),
  );
}

describe("a federation of SQLite, PostgreSQL and a remote server agrees with one catalog of the same runs", () => {
  test("the whole listing: same runs, same order, each with the source it lives in", async () => {
    const expected = await listed(single);
    const found = await listed(federation);
    assert.equal(found.length, runs.length);
    assert.deepEqual(uids(found), uids(expected));
    const dealtTo = new Map(runs.map((run) => [run.uid, run.source]));
    for (const summary of found) assert.deepEqual(summary.sources, [dealtTo.get(summary.uid)]);
    for (const [i, summary] of found.entries()) {
      assert.deepEqual(summary.start, expected[i].start);
      assert.deepEqual(summary.streams, expected[i].streams);
    }
    assert.equal(await federation.count(), await single.count());
  });

  test("on the command line: the configuration's federation is the default catalog", async () => {
    const search = databroker("search", 'plan_name == "scan"', "--limit", "500", "--json");
    assert.equal(search.status, 0, search.stderr);
    assert.equal(search.stderr, "");
    assert.deepEqual(listedUids(search.stdout), uids(await listed(single.search('plan_name == "scan"'))));
    const unknown = databroker("ls", "--catalog", "nosuch");
    assert.equal(unknown.status, 2);
    assert.equal(
      unknown.stderr,
      `databroker ls: no catalog is named "nosuch" in the configuration (${join(folder, "databroker.yml")} names local, pg, remote, everything)\n`,
    );
    const write = databroker(
      "ingest",
      dataPath("apstools", "tests", "usaxs.json"),
      "--catalog",
      "everything",
    );
    assert.equal(write.status, 2);
    assert.match(
      write.stderr,
      /everything is a federation, read-only: write to one of its sources \(local, pg, remote\)/,
    );
    const table = databroker("ls", "--limit", "3");
    assert.match(table.stdout.split("\n")[0], /exit_status +source$/);
  });

  test("serve with the configuration: the federation at the root, each catalog under its name", async () => {
    databroker("config", "check");
    const server = await spawnServer(
      ["serve"],
      { REMOTE_KEY: KEY, DATABROKER_CATALOG: "", DATABROKER_CONFIG: "" },
      folder,
    );
    try {
      const get = async (path: string) => {
        const response = await fetch(`${server.url}/api/v1/${path}`, {
          headers: { authorization: `Apikey ${server.apiKey}` },
        });
        assert.equal(response.status, 200, path);
        return (await response.json()) as {
          data: Array<{ id: string }>;
          meta: { count: number; federation?: unknown };
        };
      };
      const root = await get("search/?page[limit]=300");
      assert.equal(root.meta.count, runs.length);
      assert.equal(root.meta.federation, undefined, "nothing failed");
      assert.deepEqual(root.data.map((item) => item.id).sort(), runs.map((run) => run.uid).sort());
      for (const name of ["local", "pg", "remote"]) {
        const named = await get(`search/${name}?page[limit]=300`);
        const dealt = runs.filter((run) => run.source === name).map((run) => run.uid);
        assert.deepEqual(named.data.map((item) => item.id).sort(), dealt.sort(), name);
      }
      assert.equal((await get("search/everything?fields=count")).meta.count, runs.length);
    } finally {
      await server.stop();
    }
  });

  test("pages in several orders, concatenated, are the listing in that order", async () => {
    const orders: SortKey[][] = [
      [{ key: "time", direction: "desc" }],
      [{ key: "scan_id", direction: "asc" }],
      [
        { key: "plan_name", direction: "asc" },
        { key: "time", direction: "desc" },
      ],
      [{ key: "uid", direction: "desc" }],
    ];
    for (const sort of orders) {
      const expected = uids(await listed(single, { sort }));
      const paged: string[] = [];
      for (let offset = 0; offset < expected.length + 7; offset += 7)
        paged.push(...uids(await listed(federation, { sort, offset, limit: 7 })));
      assert.deepEqual(paged, expected, JSON.stringify(sort));
    }
  });

  test("searches, counts, distinct values and field listings", async () => {
    const queries = [
      'plan_name == "scan"',
      "scan_id >= 10 and scan_id < 40",
      '"motor"',
      'exit_status == "success"',
      'plan_name in ["count", "rel_scan"]',
    ];
    for (const text of queries) {
      const expected = single.search(text);
      const found = federation.search(text);
      assert.deepEqual(uids(await listed(found)), uids(await listed(expected)), text);
      assert.equal(await found.count(), await expected.count(), text);
    }
    assert.deepEqual(
      await federation.distinct("plan_name", { counts: true }),
      await single.distinct("plan_name", { counts: true }),
    );
    assert.deepEqual(
      await federation.search('plan_name == "scan"').fields(),
      await single.search('plan_name == "scan"').fields(),
    );
  });

  test("lookups by uid, prefix, scan_id and recency", async () => {
    const some = [runs[0], runs[1], runs[2], runs[20]];
    for (const { uid } of some) {
      assert.equal((await federation.run(uid)).uid, uid);
      assert.equal((await federation.run(uid.slice(0, 8))).uid, (await single.run(uid.slice(0, 8))).uid);
    }
    // A missing scan_id (99) is the same NotFoundError.
    const outcome = (found: Promise<{ uid: string }>) =>
      found.then(
        (run) => run.uid,
        (error: Error) => error.message,
      );
    for (const ref of [-1, -2, -5, -30, 1, 2, 5, 10, 99])
      assert.equal(await outcome(federation.run(ref)), await outcome(single.run(ref)), `ref ${ref}`);
    assert.equal(await outcome(federation.run("ffffffff-0000")), await outcome(single.run("ffffffff-0000")));
  });

  test("reads go to the run's source: streams as tables, fields, configuration and the replayed documents", async () => {
    for (const source of ["local", "pg", "remote"]) {
      const picked = runs.filter((run) => run.source === source).slice(0, 4);
      for (const { uid } of picked) {
        const [mine, theirs] = [await federation.run(uid), await single.run(uid)];
        assert.deepEqual(mine.streamNames, theirs.streamNames);
        for (const name of theirs.streamNames) {
          assert.deepEqual(
            plain(await mine.stream(name).read()),
            plain(await theirs.stream(name).read()),
            `${uid} ${name}`,
          );
          assert.deepEqual(mine.stream(name).config(), theirs.stream(name).config());
        }
        const replay = async (broker: Broker) => {
          const pairs: DocumentPair[] = [];
          for await (const pair of (await broker.run(uid)).documents()) pairs.push(pair);
          return pairs;
        };
        assert.deepEqual(await replay(federation), await replay(single), `${source} ${uid}`);
      }
    }
  });
});

test("a remote server alone is a catalog: `databroker ls --catalog http://...` with its key", () => {
  const listing = spawnSync(
    process.execPath,
    [join(projectRoot, "bin/databroker.js"), "ls", "--catalog", served.url, "--limit", "500", "--json"],
    { encoding: "utf8", env: { ...process.env, DATABROKER_REMOTE_API_KEY: KEY } },
  );
  assert.equal(listing.status, 0, listing.stderr);
  const listed = (JSON.parse(listing.stdout) as Array<{ uid: string }>).map((run) => run.uid).sort();
  assert.deepEqual(
    listed,
    runs
      .filter((run) => run.source === "remote")
      .map((run) => run.uid)
      .sort(),
  );
  const refused = spawnSync(
    process.execPath,
    [join(projectRoot, "bin/databroker.js"), "ls", "--catalog", served.url],
    {
      encoding: "utf8",
      env: { ...process.env, DATABROKER_REMOTE_API_KEY: "" },
    },
  );
  assert.equal(refused.status, 2);
  assert.equal(refused.stderr.split("\n").length, 2, refused.stderr);
});

describe("what a federation adds", () => {
  test("a run two sources hold is listed once, with both; a differing copy is reported", async () => {
    const copied = runs.find((run) => run.source === "local")!;
    await fill(pgUri, [copied.documents]);
    const report = new FederationReport();
    const found = await listed(federation.reportingTo(report));
    assert.equal(found.length, runs.length, "listed once");
    assert.deepEqual(found.find((summary) => summary.uid === copied.uid)?.sources, ["local", "pg"]);
    assert.deepEqual(report.toJSON(), { failures: [], conflicts: [] });
    // Another run's uid with a different start in the remote's catalog: the first source's copy is shown.
    const other = runs.find((run) => run.source === "local" && run !== copied)!;
    const start = other.documents[0][1] as RunStart;
    await fill(paths.served, [[["start", { ...start, plan_name: "changed elsewhere" }]]]);
    const conflicted = new FederationReport();
    const again = await listed(federation.reportingTo(conflicted));
    assert.equal(again.filter((summary) => summary.uid === other.uid).length, 1);
    assert.equal(again.find((summary) => summary.uid === other.uid)?.start.plan_name, start.plan_name);
    assert.deepEqual(conflicted.conflicts, [{ uid: other.uid, sources: ["local", "remote"] }]);
  });

  test("a query every source refuses is the caller's error; every source failing is one error naming each", async () => {
    // Every source refusing the query alike: their error, not "every source failed".
    const databases = await Broker.open({ name: "databases", federate: spec().federate.slice(0, 2) });
    try {
      const noKey = databases.search({ op: "eq", key: "", value: 1 });
      await assert.rejects(noKey.count(), {
        name: "UnsupportedError",
        message: 'query key "": a key is a non-empty dotted path',
      });
      await assert.rejects(listed(noKey), { name: "UnsupportedError" });
    } finally {
      await databases.close();
    }
    // A server refusing it answers 422: the caller's fault too, whatever the other sources say.
    await assert.rejects(federation.search({ op: "eq", key: "", value: 1 }).count(), {
      name: "ValidationError",
    });
    const [one, two] = [await freePort(), await freePort()];
    const nowhere = await Broker.open({
      name: "nowhere",
      federate: [
        { name: "one", uri: `http://127.0.0.1:${one}` },
        { name: "two", uri: `http://127.0.0.1:${two}` },
      ],
    });
    try {
      const expected = new RegExp(
        `^every source of nowhere failed \\(one: the server at http://127\\.0\\.0\\.1:${one} did not answer: ECONNREFUSED; two: the server at http://127\\.0\\.0\\.1:${two} did not answer: ECONNREFUSED\\)$`,
      );
      await assert.rejects(nowhere.count(), { name: "UnavailableError", message: expected });
      await assert.rejects(listed(nowhere), { name: "UnavailableError", message: expected });
    } finally {
      await nowhere.close();
    }
  });

  test("writes are refused: a federation is read-only", async () => {
    await assert.rejects(
      federation.put(runs[0].documents),
      /everything is a federation, read-only: write to one of its sources \(local, pg, remote\)/,
    );
  });

  test("a source that stops answering: the others' runs within its time limit, and the report", async () => {
    const quick = await Broker.open(spec(1_500));
    const app = await createServer({ broker: quick, auth: { apiKey: KEY }, logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const expected = runs.filter((run) => run.source !== "remote").map((run) => run.uid);
      served.child.kill("SIGSTOP");
      const report = new FederationReport();
      const began = performance.now();
      const found = uids(await listed(quick.reportingTo(report)));
      assert.ok(performance.now() - began < 10_000, "answered within the time limit, not hung");
      assert.deepEqual([...found].sort(), [...expected].sort());
      assert.deepEqual(report.failures, [
        { source: "remote", kind: "timeout", detail: "no answer within 1500 ms" },
      ]);
      // Over HTTP the answer carries the report.
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/search/?page[limit]=300`, {
        headers: { authorization: `Apikey ${KEY}` },
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as {
        data: unknown[];
        meta: { count: number; federation?: unknown };
      };
      assert.equal(body.data.length, expected.length);
      assert.deepEqual(body.meta.federation, {
        failures: [{ source: "remote", kind: "timeout", detail: "no answer within 1500 ms" }],
        conflicts: [],
      });
      served.child.kill("SIGCONT");
      // Killed: refused connections, reported as an error of that source.
      served.child.kill("SIGKILL");
      await new Promise((resolve) => served.child.once("exit", resolve));
      const killed = new FederationReport();
      assert.deepEqual([...uids(await listed(quick.reportingTo(killed)))].sort(), [...expected].sort());
      assert.equal(killed.failures[0].source, "remote");
      assert.equal(killed.failures[0].kind, "error");
      assert.match(
        killed.failures[0].detail,
        /^the server at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED$/,
      );
      // The command line: the others' runs on stdout, one warning line naming the source, exit 0.
      const cli = databroker("ls", "--limit", "500", "--json");
      assert.equal(cli.status, 0, cli.stderr);
      assert.deepEqual([...listedUids(cli.stdout)].sort(), [...expected].sort());
      assert.match(
        cli.stderr,
        /^databroker ls: warning: source remote failed: the server at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED \(its runs are missing from these results\)\n$/,
      );
      const counted = new FederationReport();
      // Counts are the sources' counts summed: the run copied into pg above counts in both.
      assert.equal(await quick.reportingTo(counted).count(), expected.length + 1);
      assert.equal(counted.failures.length, 1);
    } finally {
      if (served.child.signalCode === "SIGSTOP") served.child.kill("SIGCONT");
      await app.close();
      await quick.close();
    }
  });

  test("a remote server alone is a catalog: `databroker ls --catalog http://...`", () => {
    const gone = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/databroker.js"), "ls", "--catalog", served.url],
      {
        encoding: "utf8",
      },
    );
    assert.equal(gone.status, 2);
    assert.match(
      gone.stderr,
      /^databroker ls: the server at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED\n$/,
    );
  });
});
