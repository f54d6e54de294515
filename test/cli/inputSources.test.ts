// What `validate` and `ingest` read, run as whole processes: every file on its own, nothing skipped
// silently, `DIR` the same as `DIR/*`, and the documented exit codes (0 all good, 1 something rejected or
// skipped, 2 no documents at all) — over every reference folder and over directories with a stray file.
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, test } from "node:test";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { collect } from "../storage/storeHelpers.ts";
import { dataPath, sharedData } from "../support/sharedData.ts";
import { type CliResult, databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-inputs-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const isPack = (dir: string) => existsSync(join(dir, "catalog.yml"));

/** What the shell's `DIR/*` names: the entries of a directory, hidden ones aside. */
function entriesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith("."))
    .sort()
    .map((name) => join(dir, name));
}

/** Every reference folder, outside the inside of databroker-pack directories. */
function referenceFolders(dir = sharedData): string[] {
  if (isPack(dir)) return [dir];
  const folders = entriesOf(dir).filter((path) => statSync(path).isDirectory());
  return [dir, ...folders.flatMap((folder) => referenceFolders(folder))].filter(
    (folder) => folder !== sharedData,
  );
}

/** How many inputs a directory holds: its files, recursively, a pack counting as one. */
function inputsIn(dir: string): number {
  if (isPack(dir)) return 1;
  return entriesOf(dir).reduce((sum, path) => sum + (statSync(path).isDirectory() ? inputsIn(path) : 1), 0);
}

function filesLine(result: CliResult): { read: number; skipped: number } {
  const match = /(\d+) files? read(?: \(\d+ damaged\))?, (\d+) skipped/.exec(result.stdout);
  assert.ok(match, result.stdout);
  return { read: Number(match[1]), skipped: Number(match[2]) };
}

/** The lines `validate` prints, sorted (the shell's sort order may differ from ours). */
/** The lines `validate` printed, sorted (the summary's last, whether `--json` or not). */
function reports(result: CliResult): string[] {
  const lines = result.stdout.trimEnd().split("\n").filter(Boolean);
  return [...lines.slice(0, -1).sort(), ...lines.slice(-1)];
}

let catalogs = 0;
function ingest(paths: string[]): CliResult & { catalog: string } {
  const catalog = join(scratch, `catalog-${++catalogs}.sqlite`);
  const result = databroker(["ingest", ...paths, "--catalog", catalog, "--trust-resource-paths", "--quiet"]);
  return { ...result, catalog };
}

async function storedRuns(catalog: string): Promise<string[]> {
  if (!existsSync(catalog)) return [];
  const store = new SqliteStore(catalog);
  try {
    return (await collect(store.runs())).map((run) => run.uid).sort();
  } finally {
    await store.close();
  }
}

/** The ingest summary without its timing (which differs between two runs). */
function ingestSummary(result: CliResult): string {
  return result.stdout.replace(/ into \S+:/, ":").replace(/ read in .*$/s, "");
}

describe("every reference folder", () => {
  for (const folder of referenceFolders()) {
    const name = relative(sharedData, folder);
    test(`${name}: every file read or reported; DIR and DIR/* agree`, async () => {
      const asDir = databroker(["validate", "--quiet", folder]);
      const { read, skipped } = filesLine(asDir);
      assert.equal(read + skipped, inputsIn(folder), "every input is counted as read or skipped");
      assert.equal(asDir.stderr.match(/: skipped /g)?.length ?? 0, skipped, asDir.stderr);
      if (read === 0) {
        assert.equal(asDir.code, 2);
        assert.match(asDir.stderr, /no documents found in /);
      } else assert.equal(asDir.code, skipped > 0 ? 1 : asDir.code);
      const ingestedDir = ingest([folder]);
      if (read === 0) assert.equal(ingestedDir.code, 2);
      if (isPack(folder)) return; // its entries (catalog.yml, documents/...) are another input
      const entries = entriesOf(folder);
      const asEntries = databroker(["validate", "--quiet", ...entries]);
      assert.equal(asEntries.code, asDir.code);
      assert.deepEqual(reports(asEntries), reports(asDir));
      const ingestedEntries = ingest(entries);
      assert.equal(ingestedEntries.code, ingestedDir.code);
      assert.equal(ingestSummary(ingestedEntries), ingestSummary(ingestedDir));
      assert.deepEqual(await storedRuns(ingestedEntries.catalog), await storedRuns(ingestedDir.catalog));
    });
  }

  test("the JSON Schemas are not documents: each is named with why, no documents found, exit 2", () => {
    const result = databroker(["validate", dataPath("event-model-schemas")]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /skipped .*event-model-schemas\/run_start\.json: not event-model documents: a JSON object without name\/doc \(keys "title", /,
    );
    assert.match(result.stderr, /skipped .*LICENSE: not event-model documents: /);
    assert.match(result.stderr, /no documents found in /);
  });
});

/** Three tutorial runs copied into a fresh directory, with `extra` files written beside them. */
function runsWith(extra: Record<string, string>): { dir: string; uids: string[] } {
  const dir = mkdtempSync(join(scratch, "runs-"));
  const source = dataPath("bluesky-tutorials/example_data");
  const files = readdirSync(source)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .slice(0, 3);
  for (const file of files) copyFileSync(join(source, file), join(dir, `m-${file}`));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, uids: files.map((file) => file.replace(".jsonl", "")).sort() };
}

describe("a stray file among run files", () => {
  for (const [place, name] of [
    ["first", "a-notes.json"],
    ["in the middle", "m-5-notes.json"],
    ["last", "z-notes.json"],
  ]) {
    test(`a JSON file that is not documents, ${place}: reported with why, every run still read, exit 1`, async () => {
      const { dir, uids } = runsWith({ [name]: '{"notes": 1}\n' });
      const why = new RegExp(
        `skipped .*${name}: not event-model documents: a JSON object without name/doc \\(keys "notes"\\)`,
      );
      const checked = databroker(["validate", "--json", dir]);
      assert.equal(checked.code, 1);
      assert.match(checked.stderr, why);
      const [summary, ...runReports] = reports(checked).reverse();
      assert.deepEqual([...new Set(runReports.map((line) => JSON.parse(line).uid))].sort(), uids);
      assert.deepEqual(
        [JSON.parse(summary).summary.files_read, JSON.parse(summary).summary.files_skipped],
        [3, 1],
      );
      const human = databroker(["validate", dir]);
      assert.match(human.stdout, /; 3 files read, 1 skipped\n$/);
      const stored = ingest([dir]);
      assert.equal(stored.code, 1);
      assert.match(stored.stderr, why);
      assert.match(
        stored.stdout,
        /ingested 3 runs into \S+: 3 stored, 0 already there, 0 rejected; 3 files read, 1 skipped;/,
      );
      assert.deepEqual(await storedRuns(stored.catalog), uids);
    });
  }

  test("a damaged file keeps the documents before the damage and is reported; the others are read; exit 1", async () => {
    const { dir, uids } = runsWith({});
    const first = join(dir, `m-${uids[0]}.jsonl`);
    const text = readFileSync(first, "utf8");
    writeFileSync(first, text.slice(0, text.indexOf("\n", text.length / 2) + 10));
    const stored = ingest([dir]);
    assert.equal(stored.code, 1);
    assert.match(
      stored.stderr,
      /m-[\w-]+\.jsonl: line \d+: .*\(damaged: the \d+ documents before it were read\)/,
    );
    assert.match(stored.stdout, /3 files read \(1 damaged\), 0 skipped/);
    assert.deepEqual(await storedRuns(stored.catalog), uids);
  });
});

describe("nothing to read", () => {
  test("an empty directory: no documents found, exit 2", () => {
    const dir = join(scratch, "empty");
    mkdirSync(dir);
    for (const command of ["validate", "ingest"]) {
      const result = command === "validate" ? databroker(["validate", dir]) : ingest([dir]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`databroker ${command}: no documents found in .*empty`));
      assert.match(result.stdout, /0 files read, 0 skipped/);
    }
  });

  test("a 0-byte file: skipped as empty; alone exit 2, beside runs exit 1", async () => {
    const { dir, uids } = runsWith({ "n-empty.jsonl": "" });
    const empty = join(dir, "n-empty.jsonl");
    for (const command of ["validate", "ingest"]) {
      const alone = command === "validate" ? databroker(["validate", empty]) : ingest([empty]);
      assert.equal(alone.code, 2);
      assert.match(alone.stderr, /skipped .*n-empty\.jsonl: not event-model documents: the file is empty/);
      assert.match(alone.stderr, /no documents found in /);
    }
    const beside = ingest([dir]);
    assert.equal(beside.code, 1);
    assert.match(beside.stdout, /3 files read, 1 skipped/);
    assert.deepEqual(await storedRuns(beside.catalog), uids);
  });
});

describe("files sharing a start uid", () => {
  test("each file is its own input: the first stored, the same again already there, a different one rejected; DIR as DIR/*", async () => {
    const dir = mkdtempSync(join(scratch, "shared-uid-"));
    const source = dataPath("bluesky-tutorials/example_data/0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl");
    const text = readFileSync(source, "utf8");
    writeFileSync(join(dir, "a.jsonl"), text);
    writeFileSync(join(dir, "b.jsonl"), text);
    writeFileSync(join(dir, "c.jsonl"), text.replace('"plan_name":', '"plan_name_was":'));
    const results = [ingest([dir]), ingest(entriesOf(dir))];
    for (const result of results) {
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stdout,
        /ingested 2 runs into \S+: 1 stored, 1 already there, 1 rejected; 3 files read, 0 skipped;/,
      );
      assert.match(result.stderr, /rejected run 0bffac43-2002-40b5-a9a5-e1aa6debf59f from .*c\.jsonl: /);
      assert.doesNotMatch(result.stderr, /from .*(a|b)\.jsonl/);
      assert.deepEqual(await storedRuns(result.catalog), ["0bffac43-2002-40b5-a9a5-e1aa6debf59f"]);
    }
    const checked = [
      databroker(["validate", "--json", dir]),
      databroker(["validate", "--json", ...entriesOf(dir)]),
    ];
    assert.deepEqual(reports(checked[0]), reports(checked[1]));
    assert.equal(
      reports(checked[0]).length,
      3 + 1,
      "one report per file (runs never span files), then the summary",
    );
  });
});
