// Progress of `ingest` and `validate`: the figures and plain line (unit), plain lines on stderr when it is not
// a terminal, none with --quiet, and a bar with percent, rate and ETA on a terminal (a pseudo-terminal from
// util-linux `script`, when it is installed).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { formatBytes, formatDuration, progressLine, progressLineInterval } from "../../src/cli/progress.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-progress-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const tutorials = dataPath("bluesky-tutorials/example_data");
const PLAIN_LINE =
  /^(ingest|validate): \d{1,3}% of [\d.]+ k?M?G?B, [\d.]+ k?M?G?B\/s, ETA (\d+ s|\d+ min \d+ s|\?)$/;

test("a plain line: percent of bytes, rate and ETA", () => {
  assert.equal(
    progressLine("ingest", 12_300_000, 29_200_000, 1.5),
    "ingest: 42% of 29.2 MB, 8.2 MB/s, ETA 2 s",
  );
  assert.equal(progressLine("validate", 0, 1000, 0), "validate: 0% of 1.0 kB, 0 B/s, ETA ?");
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(1_500_000_000), "1.5 GB");
  assert.equal(formatDuration(125), "2 min 5 s");
  assert.equal(formatDuration(7260), "2 h 1 min");
  assert.equal(progressLineInterval({}), 10);
  assert.equal(progressLineInterval({ DATABROKER_PROGRESS_INTERVAL: "0" }), 0);
  assert.equal(progressLineInterval({ DATABROKER_PROGRESS_INTERVAL: "soon" }), 10);
});

test("not a terminal: plain lines on stderr, paced by DATABROKER_PROGRESS_INTERVAL; --quiet: none", () => {
  for (const command of ["validate", "ingest"]) {
    const catalog = ["--catalog", join(scratch, `${command}.sqlite`), "--trust-resource-paths"];
    const args = [command, tutorials, ...(command === "ingest" ? catalog : [])];
    const paced = databroker(args, { DATABROKER_PROGRESS_INTERVAL: "0" });
    const lines = paced.stderr.split("\n").filter((line) => line.startsWith(`${command}: `));
    assert.ok(lines.length > 0, paced.stderr);
    for (const line of lines) assert.match(line, PLAIN_LINE);
    assert.match(lines.at(-1) ?? "", new RegExp(`^${command}: 100% `));
    const quiet = databroker([...args, "--quiet"], { DATABROKER_PROGRESS_INTERVAL: "0" });
    assert.equal(quiet.code, paced.code);
    assert.doesNotMatch(quiet.stderr, new RegExp(`^${command}: \\d`, "m"));
    // The default pace: a line every 10 s, so none for a read this short.
    const usual = databroker(args);
    assert.doesNotMatch(usual.stderr, new RegExp(`^${command}: \\d`, "m"));
  }
});

test("a terminal: a bar with percent, rate and ETA on stderr", () => {
  const command = `${process.execPath} bin/databroker.js validate ${tutorials} > /dev/null`;
  const result = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: projectRoot, encoding: "utf8" });
  assert.equal(result.status, 0, result.stdout);
  assert.match(result.stdout, /validate \|[=-]+\| \d{1,3}% of [\d.]+ kB \| [\d.]+ k?M?B\/s \| ETA \d/);
});
