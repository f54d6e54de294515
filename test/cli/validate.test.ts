// `databroker validate`, run as a user runs it: a child process on real files; exit codes 0 / 1 (the
// directory cases and exit 2 are in inputSources.test.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";

function databroker(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/databroker.js", ...args], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** How many start documents a JSON or JSON Lines file holds (counted on the text). */
function startsIn(path: string): number {
  return readFileSync(path, "utf8").match(/\[\s*"start"\s*,/g)?.length ?? 0;
}

const scratch = mkdtempSync(join(tmpdir(), "databroker-validate-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A run whose third event skips a seq_num, written as JSON Lines. */
function writeBrokenRun(path: string): string {
  const run = composeRun({}, { uid: "broken-run" });
  const d = run.composeDescriptor({ data_keys: { x: { dtype: "number", shape: [], source: "x" } } });
  const events = [1, 2, 3].map((x) => d.composeEvent({ data: { x }, timestamps: { x } }));
  events[2].seq_num = 4;
  const pairs = [
    ["start", run.start],
    ["descriptor", d.descriptor],
    ...events.map((e) => ["event", e]),
    ["stop", run.composeStop()],
  ];
  writeFileSync(path, pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return path;
}

describe("databroker validate", () => {
  test("real data: a summary per run, the warnings with their place, a total line, exit 0", () => {
    const file = dataPath("apstools/tests/apstools.json");
    const { code, stdout } = databroker("validate", file);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n");
    const runLines = lines.filter((line) => /^\S+ {2}(VALID|INVALID) {2}/.test(line));
    assert.equal(runLines.length, startsIn(file));
    assert.ok(runLines.every((line) => line.includes("  VALID  ")));
    assert.ok(
      lines.includes(
        "  warning doc 1 descriptor data_keys.adsimdet_image.external [external-without-resource] " +
          "data key adsimdet_image is external, but the run has no resource for it",
      ),
    );
    assert.ok(
      lines.includes("  warning run stop [stop-missing] the run has no stop (it crashed or is running)"),
    );
    assert.equal(
      lines.at(-1),
      `total: ${runLines.length} runs, ${runLines.length} valid, 0 invalid; 0 errors, 4 warnings; 1 file read, 0 skipped`,
    );
  });

  test("--json: one object per run and line, findings with exactly their five fields, then the summary", () => {
    const usaxs = dataPath("apstools/tests/usaxs.json");
    const { code, stdout } = databroker("validate", "--json", usaxs, dataPath("apstools/callbacks-tests"));
    assert.equal(code, 0);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const reports = lines.slice(0, -1);
    assert.equal(reports.length, startsIn(usaxs) + 7);
    assert.deepEqual(lines.at(-1), {
      summary: {
        runs: reports.length,
        valid: reports.length,
        invalid: 0,
        errors: 0,
        warnings: reports.reduce((sum, report) => sum + report.warnings.length, 0),
        files_read: 8,
        files_damaged: 0,
        files_skipped: 0,
        documents: lines.at(-1).summary.documents,
      },
    });
    assert.ok(lines.at(-1).summary.documents > reports.length * 2);
    for (const report of reports) {
      assert.deepEqual(Object.keys(report), ["uid", "valid", "errors", "warnings"]);
      assert.equal(report.valid, true);
    }
    const failed = reports.find((report) => report.warnings.length > 0);
    assert.deepEqual(failed.warnings, [
      {
        doc_index: 4,
        name: "stop",
        path: "exit_status",
        rule: "exit-status",
        message: `the run ended with "fail": 'UPD_SIGNAL'`,
      },
    ]);
  });

  test("a run with errors: INVALID, the finding on its line, exit 1", () => {
    const file = writeBrokenRun(join(scratch, "broken.jsonl"));
    const human = databroker("validate", file);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /^broken-run {2}INVALID {2}1 error, 0 warnings$/m);
    assert.match(
      human.stdout,
      /^ {2}error doc 4 event seq_num \[seq_num-gap\] seq_num 4 in stream "primary" where 3 was expected/m,
    );
    const json = databroker("validate", "--json", file);
    assert.equal(json.code, 1);
    const [report, { summary }] = json.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual([summary.runs, summary.invalid, summary.errors], [1, 1, 1]);
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.errors.map((e: { doc_index: number; rule: string }) => [e.doc_index, e.rule]),
      [[4, "seq_num-gap"]],
    );
  });

  test("damaged and missing input: the messages, the runs read before the damage still reported, exit 1", () => {
    const good = dataPath("bluesky-tutorials/example_data/0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl");
    const lines = readFileSync(good, "utf8").trimEnd().split("\n");
    // The run cut short in the middle of a line: whole documents first, then half of one.
    const damaged = join(scratch, "damaged.jsonl");
    writeFileSync(damaged, `${lines.slice(0, 4).join("\n")}\n${lines[4].slice(0, 20)}`);
    const missing = join(scratch, "no-such-file.jsonl");
    const { code, stdout, stderr } = databroker("validate", "--json", good, damaged, missing);
    assert.equal(code, 1);
    const printed = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const reports = printed.slice(0, -1);
    const { summary } = printed.at(-1);
    assert.deepEqual(
      [summary.files_read, summary.files_damaged, summary.files_skipped, summary.runs],
      [2, 1, 1, 2],
    );
    assert.deepEqual(
      reports.map((report) => [
        report.uid,
        report.valid,
        report.warnings.map((w: { rule: string }) => w.rule),
      ]),
      [
        ["0bffac43-2002-40b5-a9a5-e1aa6debf59f", true, []],
        ["0bffac43-2002-40b5-a9a5-e1aa6debf59f", true, ["stop-missing"]],
      ],
    );
    assert.match(stderr, new RegExp(`databroker validate: ${damaged}: line 5: `));
    assert.match(stderr, /skipped .*no-such-file\.jsonl: no such file or directory/);
  });
});
