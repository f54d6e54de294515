// `databroker table --align`: a real process on a catalog holding the reference runs with baseline streams;
// its CSV read back by pandas and compared with pandas.merge_asof of the two streams' own CSVs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import { runsOf } from "../broker/catalogs.ts";
import { cliCatalogs } from "../cli/brokerCatalogs.ts";
import { databroker } from "../cli/storageCli.ts";
import { projectRoot } from "../support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-muxing-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let runs: DocumentPair[][];
let catalog: string;

before(async () => {
  runs = [
    ...(await runsOf("apstools/440_specwriter_problem_run")),
    ...(await runsOf("apstools/tests/usaxs.json")),
  ];
  catalog = (await cliCatalogs("muxing", runs)).sqlite;
});

/** Runs the command, keeps its CSV in a file, fails on a non-zero exit. */
function csvOf(args: string[], name: string): string {
  const result = databroker(["table", ...args, "--catalog", catalog, "--format", "csv"]);
  assert.equal(result.code, 0, result.stderr);
  const path = join(scratch, name);
  writeFileSync(path, result.stdout);
  return path;
}

function uidOf(documents: DocumentPair[]): string {
  return (documents[0][1] as RunStart).uid;
}

/** Runs with both streams holding events. */
function alignableRuns(): DocumentPair[][] {
  return runs.filter((documents) => {
    const streams = new Set(
      documents
        .filter(([name]) => name === "event" || name === "event_page")
        .map(([, doc]) => (doc as { descriptor: string }).descriptor),
    );
    const names = documents
      .filter(([name, doc]) => name === "descriptor" && streams.has((doc as { uid: string }).uid))
      .map(([, doc]) => (doc as { name?: string }).name);
    return names.includes("primary") && names.includes("baseline");
  });
}

for (const [method, tolerance] of [
  ["previous", ""],
  ["next", ""],
  ["nearest", "0.5"],
] as const) {
  test(`table --align baseline --method ${method}${tolerance ? ` --tolerance ${tolerance}` : ""}: pandas reads what merge_asof gives`, async () => {
    const chosen = alignableRuns().slice(0, 2);
    assert.ok(chosen.length >= 2);
    for (const documents of chosen) {
      const uid = uidOf(documents);
      const primary = csvOf([uid], `${uid}-primary.csv`);
      const baseline = csvOf([uid, "--stream", "baseline"], `${uid}-baseline.csv`);
      const flags = [
        "--align",
        "baseline",
        "--method",
        method,
        ...(tolerance ? ["--tolerance", tolerance] : []),
      ];
      const aligned = csvOf([uid, "--stream", "primary", ...flags], `${uid}-${method}.csv`);
      const { stdout } = await promisify(execFile)("/usr/bin/python3", [
        join(projectRoot, "test/support/checkAlignedCsv.py"),
        primary,
        baseline,
        aligned,
        method,
        tolerance,
        "baseline",
      ]);
      const report = JSON.parse(stdout) as {
        columns: string[];
        rows: number;
        equal: Record<string, boolean>;
      };
      assert.ok(Object.keys(report.equal).length > 0, "no number fields in the baseline");
      for (const [field, equal] of Object.entries(report.equal)) assert.ok(equal, `${uid} ${field}`);
      assert.ok(
        report.columns.includes("time") && report.columns.some((name) => name.startsWith("baseline.")),
      );
    }
  });
}

test("flags that need --align, and a bad method, are one-line errors", () => {
  const uid = uidOf(alignableRuns()[0]);
  const stray = databroker(["table", uid, "--catalog", catalog, "--method", "next"]);
  assert.equal(stray.code, 2);
  assert.equal(stray.stderr.trim(), "databroker table: --method needs --align <stream>");
  const bad = databroker(["table", uid, "--catalog", catalog, "--align", "baseline", "--method", "closest"]);
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /option '--method <method>' argument 'closest' is invalid\. method "closest": use previous, next, nearest, linear, or field=method items/,
  );
  const missing = databroker(["table", uid, "--catalog", catalog, "--align", "nope"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.split("\n").filter(Boolean).length, 1, missing.stderr);
});

for (const [flags, field, every, bins, agg] of [
  [["--resample", "1s"], "time", "1", "", "mean"],
  [["--resample", "0.25", "--agg", "max"], "time", "0.25", "", "max"],
  [["--bin-by", "time", "--bins", "4", "--agg", "sum"], "time", "", "4", "sum"],
] as const) {
  test(`table ${flags.join(" ")}: pandas' groupby of pd.cut gives the same bins`, async () => {
    const documents = alignableRuns()[0];
    const uid = uidOf(documents);
    const stream = csvOf([uid], `${uid}-stream.csv`);
    const binned = csvOf([uid, ...flags], `${uid}-binned-${flags.join("")}.csv`);
    const { stdout } = await promisify(execFile)("/usr/bin/python3", [
      join(projectRoot, "test/support/checkBinnedCsv.py"),
      stream,
      binned,
      field,
      every,
      bins,
      agg,
    ]);
    const report = JSON.parse(stdout) as { equal: Record<string, boolean>; edges: boolean; rows: number };
    assert.ok(Object.keys(report.equal).length > 0);
    for (const [name, equal] of Object.entries(report.equal)) assert.ok(equal, name);
    assert.ok(report.edges, "left edges");
  });
}

test("binning flags that do not fit together are one-line errors", () => {
  const uid = uidOf(alignableRuns()[0]);
  for (const [flags, message] of [
    [["--bin-by", "time"], "give one --bins per --bin-by (1 --bin-by, 0 --bins)"],
    [["--agg", "max"], "--agg needs --resample or --bin-by"],
    [["--resample", "1", "--bin-by", "time", "--bins", "2"], "use --resample or --bin-by, not both"],
    [["--resample", "0"], "--resample must be above 0 seconds"],
  ] as const) {
    const result = databroker(["table", uid, "--catalog", catalog, ...flags]);
    assert.equal(result.code, 2, flags.join(" "));
    assert.equal(result.stderr.trim(), `databroker table: ${message}`);
  }
});
