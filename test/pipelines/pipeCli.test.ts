// `databroker pipe` as users run it, a real process on real SQLite catalogs: --once over the apstools reference
// runs (one line per run, "already derived" the second time), a failing run reported while the others go on,
// bad arguments as one line, the README's processor module loaded by path, and a pipe killed with kill -9
// midway and started again, after which every input has exactly one derived run, the same as an uninterrupted
// pipe writes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Broker } from "../../src/broker/Broker.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { derivedUidOf } from "../../src/pipelines/deriveRun.ts";
import { withDefaults } from "../../src/pipelines/processorParams.ts";
import { processors } from "../../src/pipelines/processors/index.ts";
import { databroker } from "../cli/storageCli.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { peakScan, syntheticRun, tempFolder } from "./pipelineRuns.ts";

const folder = tempFolder();
const aps = join(folder, "aps.sqlite");
const PEAKSTATS = ["--run", "peakstats", "--param", "x=motor1", "--param", "y=noisy_det"];

function jsonLines(path: string, runs: DocumentPair[][]): string {
  writeFileSync(
    path,
    `${runs
      .flat()
      .map((pair) => JSON.stringify(pair))
      .join("\n")}\n`,
  );
  return path;
}

function ingest(catalog: string, path: string): void {
  const result = databroker(["ingest", path, "--catalog", catalog, "--quiet"]);
  assert.equal(result.code, 0, result.stderr);
}

function stderrLines(text: string): string[] {
  return text.trimEnd().split("\n");
}

before(() => ingest(aps, dataPath("apstools", "tests", "apstools.json")));

describe("databroker pipe --once", () => {
  test("derives each selected run once; a second pipe finds them derived", () => {
    const first = databroker(["pipe", 'plan_name == "scan"', ...PEAKSTATS, "--once", "--catalog", aps]);
    assert.equal(first.code, 0, first.stderr);
    const lines = stderrLines(first.stderr);
    const derived = lines.filter((line) => / derived -> /.test(line));
    assert.equal(derived.length, 27);
    assert.equal(lines.at(-1), "pipe peakstats: 27 runs derived, 0 already derived, 0 failed");
    const second = databroker(["pipe", 'plan_name == "scan"', ...PEAKSTATS, "--once", "--catalog", aps]);
    assert.equal(second.code, 0);
    assert.equal(second.stderr, "pipe peakstats: 0 runs derived, 27 already derived, 0 failed\n");
    const listed = databroker([
      "search",
      'plan_name == "pipe peakstats"',
      "--limit",
      "100",
      "--json",
      "--catalog",
      aps,
    ]);
    assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 27);
  });

  test("--to another catalog: the derived runs go there, each with a copy of its input", () => {
    const other = join(folder, "other.sqlite");
    const result = databroker([
      "pipe",
      'plan_name == "scan" and scan_id == 6',
      ...PEAKSTATS,
      "--once",
      "--catalog",
      aps,
      "--to",
      other,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /pipe peakstats: 2 runs derived, 0 already derived, 0 failed\n$/);
    const listed = JSON.parse(databroker(["ls", "--json", "--catalog", other]).stdout) as Array<{
      uid: string;
      plan_name: string;
    }>;
    assert.deepEqual(listed.map((run) => run.plan_name).sort(), [
      "pipe peakstats",
      "pipe peakstats",
      "scan",
      "scan",
    ]);
    const derived = listed.find((run) => run.plan_name === "pipe peakstats")?.uid as string;
    const lineage = databroker(["lineage", derived, "--catalog", other]);
    assert.match(lineage.stdout, /\n {2}<- [0-9a-f-]{36} {2}scan_id 6 {2}scan\n/);
  });

  test("a run that fails is one line; the others are derived and the exit code is 1", () => {
    const catalog = join(folder, "failing.sqlite");
    const good = peakScan("good", 1_700_000_000, 30, 1);
    const bad = syntheticRun(
      "bad",
      1_700_000_100,
      {
        motor: { dtype: "number", shape: [], source: "m" },
        det: { dtype: "string", shape: [], source: "d" },
      },
      5,
      (i) => ({ motor: i, det: i === 2 ? "overflow" : String(i) }),
    );
    ingest(catalog, jsonLines(join(folder, "failing.jsonl"), [good.documents, bad.documents]));
    const result = databroker([
      "pipe",
      "scan_id == 1",
      "--run",
      "rolling",
      "--param",
      "fields=det",
      "--once",
      "--catalog",
      catalog,
    ]);
    assert.equal(result.code, 1);
    const lines = stderrLines(result.stderr);
    assert.deepEqual(
      lines.filter((line) => line.includes("failed:")),
      [`pipe rolling: run ${bad.uid} failed: field det of event seq_num 1 is string, not a number`],
    );
    assert.equal(lines.at(-1), "pipe rolling: 1 run derived, 0 already derived, 1 failed");
  });

  test("a field or stream the run lacks fails the run by name; nothing is derived", async () => {
    const catalog = join(folder, "misspelled.sqlite");
    const scan = peakScan("misspelled", 1_700_000_000, 20, 3);
    ingest(catalog, jsonLines(join(folder, "misspelled.jsonl"), [scan.documents]));
    const pipe = (...params: string[]) =>
      databroker(["pipe", "scan_id == 1", "--run", "peakstats", ...params, "--once", "--catalog", catalog]);
    const field = pipe("--param", "x=m1", "--param", "y=det");
    assert.equal(field.code, 1);
    assert.deepEqual(stderrLines(field.stderr), [
      `pipe peakstats: run ${scan.uid} failed: stream primary has no field m1 (its fields: motor, det)`,
      "pipe peakstats: 0 runs derived, 0 already derived, 1 failed",
    ]);
    const stream = pipe("--param", "x=motor", "--param", "y=det", "--param", "stream=baseline");
    assert.equal(stream.code, 1);
    assert.equal(
      stderrLines(stream.stderr)[0],
      `pipe peakstats: run ${scan.uid} failed: the run has no stream baseline (its streams: primary)`,
    );
    const broker = await Broker.open(catalog, { readOnly: true });
    try {
      assert.equal(await broker.count(), 1, "no derived run, not even its start, is stored");
    } finally {
      await broker.close();
    }
  });

  test("bad arguments are one line naming what is expected", () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["--run", "nope"], 1, /^databroker pipe: unknown processor "nope": use peakstats, roi, rolling$/],
      [
        ["--run", "rolling"],
        1,
        /^databroker pipe: missing parameter fields; rolling takes fields=<.*> \(required\); window=/,
      ],
      [
        ["--run", "rolling", "--param", "fields=a", "--param", "window=0"],
        1,
        /^databroker pipe: bad --param window=0: expected a whole number >= 1; rolling takes /,
      ],
      [
        ["--run", "peakstats", "--param", "x=a", "--param", "y=b", "--param", "z=c"],
        1,
        /^databroker pipe: unknown parameter "z"; peakstats takes x=/,
      ],
      [
        ["--run", "roi", "--param", "field=img", "--param", "roi=a:5,5,1,1"],
        1,
        /^databroker pipe: bad --param roi=a:5,5,1,1: expected x1 > x0 and y1 > y0; /,
      ],
      [["--run", join(folder, "missing.ts")], 1, /^databroker pipe: no processor module .*missing\.ts$/],
    ];
    for (const [args, code, message] of cases) {
      const result = databroker(["pipe", 'plan_name == "scan"', ...args, "--once", "--catalog", aps]);
      assert.equal(result.code, code, args.join(" "));
      assert.match(result.stderr.trimEnd(), message, args.join(" "));
      assert.equal(stderrLines(result.stderr).length, 1, result.stderr);
    }
    const query = databroker([
      "pipe",
      "plan_name ==",
      "--run",
      "rolling",
      "--param",
      "fields=a",
      "--once",
      "--catalog",
      aps,
    ]);
    assert.equal(query.code, 1);
    assert.equal(query.stderr, "databroker pipe: expected a value at column 13\n");
    const missing = databroker([
      "pipe",
      "scan_id == 1",
      ...PEAKSTATS,
      "--once",
      "--catalog",
      join(folder, "none.sqlite"),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^databroker pipe: no catalog at .*none\.sqlite: /);
    assert.equal(stderrLines(missing.stderr).length, 1);
  });

  test("the README's processor module runs from its path", async () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    const module = /```ts\n(\/\/ count-above\.ts[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(module, "the README shows count-above.ts");
    const path = join(folder, "count-above.ts");
    writeFileSync(path, module);
    const result = databroker([
      "pipe",
      'plan_name == "scan" and scan_id == 5',
      "--run",
      path,
      "--param",
      "field=noisy_det",
      "--param",
      "level=10",
      "--once",
      "--catalog",
      aps,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /pipe count-above: 2 runs derived, 0 already derived, 0 failed\n$/);
    const pairs = [...result.stderr.matchAll(/run ([0-9a-f-]{36}) derived -> ([0-9a-f-]{36}) /g)];
    assert.equal(pairs.length, 2);
    const broker = await Broker.open(aps, { readOnly: true });
    try {
      for (const [, input, derived] of pairs) {
        const values = (await (await broker.run(input)).stream("primary").read()).column("noisy_det");
        const above = Array.from(values as ArrayLike<number>).filter((value) => value > 10).length;
        const table = databroker([
          "table",
          derived,
          "--stream",
          "count",
          "--format",
          "csv",
          "--catalog",
          aps,
        ]);
        assert.equal(table.stdout.trim().split(/\r?\n/)[1].split(",")[2], String(above));
      }
    } finally {
      await broker.close();
    }
  });
});

describe("a pipe killed with kill -9 midway", () => {
  const inputs = [
    peakScan("big", 1_600_000_000, 60_000, 7),
    ...Array.from({ length: 6 }, (_, i) => peakScan(`small-${i}`, 1_600_001_000 + i, 2_000, 10 + i)),
  ];
  const killed = join(folder, "killed.sqlite");
  const whole = join(folder, "whole.sqlite");
  const ROLLING = ["--run", "rolling", "--param", "fields=det,motor", "--param", "window=4", "--once"];
  const processor = processors.named("rolling");
  const params = withDefaults(processor, { fields: ["det", "motor"], window: 4 });
  let readers: Broker[] = [];
  after(() => Promise.all(readers.map((reader) => reader.close())));

  test("started again, derives every input exactly once, as an uninterrupted pipe does", async () => {
    const source = jsonLines(
      join(folder, "kill.jsonl"),
      inputs.map((run) => run.documents),
    );
    ingest(killed, source);
    ingest(whole, source);
    const uninterrupted = databroker(["pipe", "scan_id == 1", ...ROLLING, "--catalog", whole]);
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

    const child = spawn(
      process.execPath,
      ["bin/databroker.js", "pipe", "scan_id == 1", ...ROLLING, "--catalog", killed],
      {
        cwd: projectRoot,
        stdio: "ignore",
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Killed as soon as the big run's derived run is partly stored (its start is in the first put).
    const reader = await Broker.open(killed, { readOnly: true });
    readers.push(reader);
    const big = derivedUidOf(inputs[0].uid, { processor, params });
    let running = true;
    void exited.then(() => {
      running = false;
    });
    while (running && (await reader.store.start(big)) === undefined) await sleep(10);
    child.kill("SIGKILL");
    await exited;
    const wasPartial = (await reader.store.stop(big)) === undefined;
    console.log(`# killed with the big run's derived run ${wasPartial ? "partly stored" : "already whole"}`);

    const again = databroker(["pipe", "scan_id == 1", ...ROLLING, "--catalog", killed]);
    assert.equal(again.code, 0, again.stderr);
    const check = await Broker.open(killed, { readOnly: true });
    const reference = await Broker.open(whole, { readOnly: true });
    readers = [...readers, check, reference];
    assert.equal(await check.search('plan_name == "pipe rolling"').count(), inputs.length);
    for (const input of inputs) {
      const derived = await (await check.derivedFrom(input.uid)).page();
      assert.deepEqual(
        derived.map((run) => run.uid),
        [derivedUidOf(input.uid, { processor, params })],
      );
      const [run] = derived;
      assert.equal(run.stop?.exit_status, "success");
      const table = await run.stream("primary").read();
      const expected = await (await reference.run(run.uid)).stream("primary").read();
      assert.equal(table.length, input === inputs[0] ? 60_000 : 2_000);
      for (const name of expected.columnNames)
        assert.deepEqual(table.column(name), expected.column(name), name);
    }
  });
});
