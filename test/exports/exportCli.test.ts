// `databroker export` as a user meets it: selecting runs by reference and by query, names from a template,
// `--to -`, the summary (text and JSON), progress lines, and every wrong argument answered by one line.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { databroker, databrokerBytes } from "../cli/storageCli.ts";
import type { RealRun } from "../storage/realRuns.ts";
import { usaxsCatalog } from "./usaxsCatalog.ts";

const stored = usaxsCatalog("export-cli");
const { scratch, catalog } = stored;

const exportTo = (to: string, ...args: string[]) =>
  databroker(["export", ...args, "--to", to, "--catalog", catalog, "--quiet"]);

test("references and queries together: each run once, named by the default template", () => {
  const to = join(scratch, "mixed");
  const [first, second] = stored.runs;
  const result = exportTo(
    to,
    first.uid.slice(0, 8),
    `uid == "${second.uid}"`,
    first.uid,
    "--format",
    "jsonl",
  );
  assert.equal(result.code, 0, result.stderr);
  const startOf = (run: RealRun) => run.documents[0][1] as { scan_id: number; uid: string };
  assert.deepEqual(
    readdirSync(to).sort(),
    [first, second].map((run) => `${startOf(run).scan_id}_${run.uid.slice(0, 8)}.jsonl`).sort(),
  );
  assert.match(result.stdout, /^exported 2 runs as jsonl to .*: [\d.]+ kB in \d+ s\n$/);
});

test("a template names files from the start document; a name already there fails that run only", () => {
  const to = join(scratch, "template");
  mkdirSync(to);
  const taken = `${(stored.runs[0].documents[0][1] as { plan_name: string }).plan_name}-${stored.runs[0].uid.slice(0, 4)}.msgpack`;
  writeFileSync(join(to, taken), "mine");
  const refs = stored.runs.slice(0, 3).map((run) => run.uid);
  const result = exportTo(to, ...refs, "--format", "msgpack", "--name", "{plan_name}-{uid:.4}");
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(`run ${stored.runs[0].uid} .*failed: .*${taken} exists already \\(--overwrite replaces it\\)`),
  );
  assert.match(result.stdout, /exported 2 runs .*; 1 failed/);
  assert.equal(readFileSync(join(to, taken), "utf8"), "mine", "the file already there is untouched");
  assert.equal(readdirSync(to).filter((name) => name.startsWith(".")).length, 0, "no partial file left");

  const again = exportTo(to, ...refs, "--format", "msgpack", "--name", "{plan_name}-{uid:.4}", "--overwrite");
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual(readFileSync(join(to, taken), "utf8"), "mine");
});

test("--json prints the summary as one object: every run with its file and bytes", () => {
  const to = join(scratch, "json");
  const result = databroker([
    "export",
    stored.runs[0].uid,
    "--format",
    "jsonl",
    "--to",
    to,
    "--catalog",
    catalog,
    "--json",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.format, "jsonl");
  assert.equal(summary.exported.length, 1);
  assert.equal(summary.exported[0].uid, stored.runs[0].uid);
  assert.ok(summary.exported[0].bytes > 0);
  assert.deepEqual(summary.failed, []);
  assert.equal(result.stderr, "", "no progress with --json");
});

test("progress: plain lines with runs, percent, ETA and bytes written when stderr is not a terminal", () => {
  const to = join(scratch, "progress");
  const result = databroker(["export", "time > 0", "--format", "jsonl", "--to", to, "--catalog", catalog], {
    DATABROKER_PROGRESS_INTERVAL: "0",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^export: \d+% of 10 runs, [\d.]+ runs\/s, ETA .*, [\d.]+ (B|kB|MB) written$/m);
});

test("--to - writes one run's file to stdout, byte for byte what the directory export holds", () => {
  const to = join(scratch, "single");
  assert.equal(exportTo(to, stored.runs[1].uid, "--format", "msgpack", "--name", "{uid}").code, 0);
  const streamed = databrokerBytes([
    "export",
    stored.runs[1].uid,
    "--format",
    "msgpack",
    "--to",
    "-",
    "--catalog",
    catalog,
  ]);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.deepEqual(streamed.stdout, readFileSync(join(to, `${stored.runs[1].uid}.msgpack`)));
});

test("wrong arguments: one line each, nothing written, never a stack trace", () => {
  const to = join(scratch, "never");
  const cases: Array<[string[], number, RegExp]> = [
    [
      ["-1", "--format", "zip"],
      1,
      /error: option '--format <format>' argument 'zip' is invalid\. use jsonl, msgpack, pack/,
    ],
    [["-1", "--format", "jsonl", "--name", "{scan_id"], 1, /unmatched brace/],
    [
      ['plan_name == "nothing"', "--format", "jsonl"],
      2,
      /^databroker export: no run matches "plan_name == \\"nothing\\""\n$/,
    ],
    [
      ["999999", "--format", "jsonl"],
      2,
      /^databroker export: no run has scan_id 999999, nor a uid starting with 999999\n$/,
    ],
    [
      ["-1", "--format", "pack", "--option", "nexus.names=x.yml"],
      2,
      /pack has no setting "nexus\.names": it takes pack\.external/,
    ],
    [["-1", "--format", "jsonl", "--name", "{sample}"], 1, /start document has no "sample"/],
    [["plan_name ==", "--format", "jsonl"], 2, /^databroker export: .*\n$/],
  ];
  for (const [args, code, message] of cases) {
    const result = exportTo(to, ...args);
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(" "));
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  }
  const pack = databroker(["export", "-1", "--format", "pack", "--to", "-", "--catalog", catalog]);
  assert.equal(pack.code, 2);
  assert.match(pack.stderr, /--to - takes a one-file format; pack writes a folder per run/);
  const missing = databroker([
    "export",
    "-1",
    "--format",
    "jsonl",
    "--to",
    to,
    "--catalog",
    join(scratch, "none.db"),
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no catalog at/);
  assert.equal(existsSync(join(scratch, "none.db")), false, "a read creates no catalog");
  assert.equal(existsSync(to), false, "no directory is left by an export that wrote nothing");
});
