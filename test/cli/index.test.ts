// `databroker index` and `databroker fields` as real processes over a SQLite catalog of the bluesky-tiled-plugins
// fixtures with real HDF5 and TIFF files (test/cli/detectorCatalog.ts), and over the databroker-pack's real NPY
// files read in place: before indexing, a search into the external data fails with the not-indexed message;
// after, it answers, and the statistics stored equal what numpy computes from the same files. A field whose
// files cannot be read is named and the rest indexed (exit 1); an index killed midway, or one that failed,
// resumes with only what is left.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FieldListing } from "../../src/queries/fieldListing.ts";
import type { FieldStats } from "../../src/queries/fieldStats.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import {
  type DetectorCatalog,
  detectorCatalog,
  type ExpectedStats,
  legacyDescriptor,
  PRIMARY,
  SECONDARY,
} from "./detectorCatalog.ts";
import { databroker } from "./storageCli.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-index-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const NOT_INDEXED = /primary\.det-key2 is not indexed yet .*run `databroker index`/;

/** The stored statistics equal numpy's: integers exactly, float sums to rounding (summation order differs). */
function assertStats(actual: FieldStats, expected: ExpectedStats[keyof ExpectedStats], what: string): void {
  assert.equal(actual.indexed, true, what);
  assert.deepEqual(actual.shape, expected.shape, `${what} shape`);
  assert.equal(actual.events, expected.events, `${what} events`);
  assert.equal(actual.count, expected.count, `${what} count`);
  for (const key of ["min", "max", "sum", "sumMin", "sumMax", "meanMin", "meanMax"] as const) {
    const [got, want] = [actual[key]!, expected[key]!];
    assert.ok(
      Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
      `${what} ${key}: ${got} vs ${want}`,
    );
  }
}

function search(catalog: string, query: string) {
  return databroker(["search", "--catalog", catalog, "--json", query]);
}

function fieldsOf(catalog: string, query?: string): FieldListing[] {
  const result = databroker(["fields", "--catalog", catalog, "--json", ...(query ? [query] : [])]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function listed(rows: FieldListing[], stream: string, field: string | null): FieldListing {
  return rows.find((row) => row.stream === stream && row.field === field)!;
}

describe("databroker index and fields on real HDF5 and TIFF files", () => {
  let main: DetectorCatalog;
  before(() => {
    main = detectorCatalog(join(scratch, "main"));
  });

  test("before: search into the external data fails with the not-indexed message; fields says so", () => {
    const failed = search(main.catalog, "primary.det-key2.max > 1");
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, NOT_INDEXED);
    assert.equal(failed.stderr.trim().split("\n").length, 1, "one line, no stack");
    const rows = fieldsOf(main.catalog);
    assert.deepEqual(listed(rows, "primary", "det-key2"), {
      stream: "primary",
      field: "det-key2",
      runs: 2,
      events: 3,
      min: null,
      max: null,
      shape: null,
      notIndexed: 2,
    });
    const table = databroker(["fields", "--catalog", main.catalog]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^stream\s+field\s+runs\s+events\s+min\s+max\s+shape\s+not_indexed$/m);
    assert.match(table.stdout, /^primary\s+det-key2\s+2\s+3\s+-\s+-\s+-\s+2$/m);
  });

  test("index stores what numpy computes from the same files; search answers; nothing is left to index", async () => {
    const result = databroker(["index", "--catalog", main.catalog]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^indexed 4 fields of 2 runs in .*s$/m);
    const store = await openStore(main.catalog, { readOnly: true });
    try {
      const primary = await store.fieldStats(PRIMARY);
      assertStats(primary["det-key1"], main.expected["det-key1"], "det-key1");
      assertStats(primary["det-key2"], main.expected["det-key2"], "det-key2");
      assertStats((await store.fieldStats(SECONDARY))["det-key3"], main.expected["det-key3"], "det-key3");
      assertStats(
        (await store.fieldStats(legacyDescriptor("c0")))["det-key2"],
        main.expected["det-key2"],
        "legacy det-key2 (the same frames through AD_HDF5_SWMR_STREAM)",
      );
      assert.deepEqual(await store.unindexedFields(), []);
    } finally {
      await store.close();
    }

    const found = search(main.catalog, "primary.det-key2.max > 1");
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(
      JSON.parse(found.stdout)
        .map((run: { uid: string }) => run.uid)
        .sort(),
      [...main.runs].sort(),
    );
    const { sumMax } = main.expected["det-key3"];
    assert.equal(JSON.parse(search(main.catalog, `secondary.det-key3.sum >= ${sumMax}`).stdout).length, 1);
    assert.equal(JSON.parse(search(main.catalog, `secondary.det-key3.sum > ${sumMax}`).stdout).length, 0);
    assert.equal(
      JSON.parse(search(main.catalog, `primary.det-key2.max == ${main.expected["det-key2"].max}`).stdout)
        .length,
      2,
    );

    const rows = fieldsOf(main.catalog);
    assert.deepEqual(listed(rows, "primary", "det-key2"), {
      stream: "primary",
      field: "det-key2",
      runs: 2,
      events: 6,
      min: main.expected["det-key2"].min,
      max: main.expected["det-key2"].max,
      shape: [13, 17],
      notIndexed: 0,
    });
    assert.deepEqual(
      listed(fieldsOf(main.catalog, 'uid == "c0-9724b2201fe7"'), "primary", "det-key2").runs,
      1,
    );
    assert.equal(listed(rows, "secondary", "det-key3").notIndexed, 0);

    const again = databroker(["index", "--catalog", main.catalog]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout.trim(), "nothing to index: every field is indexed");
  });

  test("a field whose files cannot be read is named, the rest indexed (exit 1); the next index does only it", () => {
    const broken = detectorCatalog(join(scratch, "broken"));
    const tiffs = join(broken.files, "tiff_files");
    renameSync(tiffs, `${tiffs}.away`);
    const result = databroker(["index", "--catalog", broken.catalog]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^databroker index: run bbbb2222-9724b2201fe7 secondary\.det-key3 failed: .*img_00000\.tif/m,
    );
    assert.match(result.stdout, /^indexed 3 fields of 2 runs in .*; 1 field failed$/m);
    assert.equal(listed(fieldsOf(broken.catalog), "secondary", "det-key3").notIndexed, 1);
    assert.equal(search(broken.catalog, "primary.det-key2.max > 1").code, 0, "the rest is searchable");

    renameSync(`${tiffs}.away`, tiffs);
    const json = databroker(["index", "--catalog", broken.catalog, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    assert.deepEqual(
      { ...summary, seconds: 0 },
      {
        runs: 1,
        fields: 1,
        indexed: 1,
        failed: [],
        stopped: false,
        seconds: 0,
      },
    );
    assert.equal(json.stderr, "", "--json shows no progress");
  });

  test("an index killed midway resumes where it stopped: only the fields left are done", async () => {
    const many = detectorCatalog(join(scratch, "many"), 40);
    const child = spawn(process.execPath, ["bin/databroker.js", "index", "--catalog", many.catalog], {
      cwd: projectRoot,
      env: { ...process.env, DATABROKER_PROGRESS_INTERVAL: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const exited = once(child, "exit");
    // Killed once a fifth of the fields are done (progress lines on stderr, one per field here): several
    // descriptors are committed by then.
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        if (/index: [2-9]\d% of 43 fields/.test(stderr) && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", () => resolve());
    });
    const [code, signal] = await exited;
    assert.equal(signal, "SIGKILL", `finished before the kill (${code}): ${stderr}`);
    const left = listed(fieldsOf(many.catalog), "primary", "det-key2").notIndexed;
    assert.ok(left > 0 && left < 41, `${left} of 41 runs' det-key2 still not indexed`);

    const resumed = databroker(["index", "--catalog", many.catalog, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.ok(summary.fields < 43, `the second index did ${summary.fields} fields, not all 43 again`);
    assert.equal(summary.indexed, summary.fields);
    assert.equal(listed(fieldsOf(many.catalog), "primary", "det-key2").notIndexed, 0);
  });

  test("the databroker-pack's real NPY files, read in place through --root-map: numpy agrees", async () => {
    const pack = dataPath("databroker-pack", "simple_catalog");
    const [hash] = readdirSync(join(pack, "external_files"));
    const folder = join(pack, "external_files", hash);
    const catalog = join(scratch, "pack.sqlite");
    const ingest = databroker(["ingest", "--catalog", catalog, "--trust-resource-paths", pack]);
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(search(catalog, "primary.img.max > 0").stderr, /primary\.img is not indexed yet/);
    const result = databroker(["index", "--catalog", catalog, "--root-map", `${hash}=${folder}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^indexed 1 field of 1 run in /m);
    // numpy on the same files: every frame's min, max and sum.
    const script = `import json, sys, glob, numpy as np
frames = np.stack([np.load(f) for f in sorted(glob.glob(sys.argv[1] + "/*.npy"))])
print(json.dumps([float(frames.min()), float(frames.max()), float(frames.sum()), list(frames.shape[1:])]))`;
    const [min, max, sum, shape] = JSON.parse(
      execFileSync("/usr/bin/python3", ["-c", script, folder], { encoding: "utf8" }),
    );
    const img = listed(fieldsOf(catalog), "primary", "img");
    assert.deepEqual([img.min, img.max, img.shape, img.notIndexed], [min, max, shape, 0]);
    assert.equal(JSON.parse(search(catalog, `primary.img.sum >= ${sum}`).stdout).length, 1);
    assert.equal(JSON.parse(search(catalog, `primary.img.sum > ${sum}`).stdout).length, 0);
  });

  test("a files catalog is indexed in memory only, and index says so", () => {
    const folder = join(scratch, "files");
    const { files } = detectorCatalog(folder);
    const catalog = `file://${join(folder, "documents")}`;
    const sources = [join(folder, "streams.jsonl"), join(folder, "legacy0.jsonl")];
    const ingest = databroker(["ingest", "--catalog", catalog, "--file-root", files, ...sources]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const result = databroker(["index", "--catalog", catalog, "--file-root", files]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^indexed 4 fields of 2 runs/m);
    assert.match(result.stderr, /keeps statistics in memory only.*databroker serve --index/);
    assert.match(search(catalog, "primary.det-key2.max > 1").stderr, NOT_INDEXED);
  });

  test("a catalog that is not there is an error, never created", () => {
    const missing = join(scratch, "missing.sqlite");
    const result = databroker(["index", "--catalog", missing]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^databroker index: no catalog at /);
    assert.equal(existsSync(missing), false);
  });
});
