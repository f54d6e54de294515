// `databroker export --format publish`: a BagIt bag for a repository deposit, checked as a repository would
// (Python's hashlib against both manifests, Payload-Oxum), its README naming every run, and its documents
// loading back as the README says.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { databroker } from "../cli/storageCli.ts";
import { collect } from "../storage/storeHelpers.ts";
import { usaxsCatalog } from "./usaxsCatalog.ts";

const stored = usaxsCatalog("publish");
const { scratch, catalog } = stored;

const VERIFY_BAG = `
import hashlib, json, os, sys
bag = sys.argv[1]
def check(manifest):
    bad, names = [], []
    for line in open(os.path.join(bag, manifest), encoding="utf-8"):
        digest, name = line.rstrip("\\n").split("  ", 1)
        names.append(name)
        with open(os.path.join(bag, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest: bad.append(name)
    return bad, names
bad, payload = check("manifest-sha256.txt")
tag_bad, tags = check("tagmanifest-sha256.txt")
on_disk = sorted(os.path.relpath(os.path.join(d, f), bag) for d, _, fs in os.walk(os.path.join(bag, "data")) for f in fs)
info = dict(line.rstrip("\\n").split(": ", 1) for line in open(os.path.join(bag, "bag-info.txt")))
octets = sum(os.path.getsize(os.path.join(bag, n)) for n in payload)
print(json.dumps({"bad": bad + tag_bad, "unlisted": sorted(set(on_disk) - set(payload)), "tags": tags,
  "oxum": info["Payload-Oxum"], "expected_oxum": f"{octets}.{len(payload)}",
  "bagit": open(os.path.join(bag, "bagit.txt")).read()}))
`;

test("a BagIt bag: both manifests verify, every payload file listed, Payload-Oxum right, README names each run", () => {
  const bag = join(scratch, "bag");
  const result = databroker([
    "export",
    "time > 0",
    "--format",
    "publish",
    "--option",
    "publish.formats=jsonl,msgpack",
    "--option",
    "publish.title=USAXS 2019",
    "--to",
    bag,
    "--catalog",
    catalog,
    "--quiet",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(execFileSync("/usr/bin/python3", ["-c", VERIFY_BAG, bag], { encoding: "utf8" }));
  assert.deepEqual(report.bad, []);
  assert.deepEqual(report.unlisted, []);
  assert.deepEqual(report.tags, ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]);
  assert.equal(report.oxum, report.expected_oxum);
  assert.equal(report.bagit, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");

  const readme = readFileSync(join(bag, "data/README.md"), "utf8");
  assert.match(readme, /^# USAXS 2019\n/);
  for (const run of stored.runs) assert.ok(readme.includes(run.uid), run.uid);
  const listed = JSON.parse(readFileSync(join(bag, "data/runs.json"), "utf8"));
  assert.equal(listed.runs.length, stored.runs.length);
  for (const run of listed.runs) assert.equal(run.files.length, 2);
});

test("the bag's documents load back as its README says (databroker ingest data/*/*.jsonl): the same runs", async () => {
  const again = join(scratch, "again.sqlite");
  const data = join(scratch, "bag", "data");
  assert.match(readFileSync(join(data, "README.md"), "utf8"), /`databroker ingest data\/\*\/\*\.jsonl`/);
  const files = readdirSync(data, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".jsonl"),
  );
  const result = databroker([
    "ingest",
    ...files.map((file) => join(data, file)),
    "--catalog",
    again,
    "--quiet",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const [source, copy] = [new SqliteStore(catalog), new SqliteStore(again)];
  try {
    for (const run of stored.runs)
      assert.deepEqual(await collect(copy.documents(run.uid)), await collect(source.documents(run.uid)));
  } finally {
    await source.close();
    await copy.close();
  }
});

test("wrong publish settings are one clear line each", () => {
  for (const [option, message] of [
    ["publish.formats=jsonl,pack", /pack holds many runs itself/],
    ["publish.formats=zip", /publish\.formats: no export format "zip"/],
  ] as const) {
    const result = databroker([
      "export",
      "-1",
      "--format",
      "publish",
      "--option",
      option,
      "--to",
      join(scratch, "x"),
      "--catalog",
      catalog,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, message);
  }
});
