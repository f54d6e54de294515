// The pieces every export shares: name templates (Python's str.format subset suitcase users know) and the
// tar archive folder exports stream as, checked by Python's tarfile (long names, empty and odd-sized files).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { test } from "node:test";
import { nameTemplate } from "../../src/exports/nameTemplate.ts";
import { ByteCount } from "../../src/exports/sinks/directorySink.ts";
import { tarFolder } from "../../src/exports/sinks/streamSink.ts";
import { TAR_END } from "../../src/exports/sinks/tarHeader.ts";
import { writeChunk } from "../../src/exports/sinks/writeChunk.ts";

const start = {
  uid: "8d137c09-aaaa-bbbb",
  scan_id: 7,
  plan_name: "scan",
  sample: { name: "Fe/Co" },
  time: 1.5,
};

test("name templates: keys, nested keys, suitcase's start[...] form, format specs, unsafe characters", () => {
  const cases: Array<[string, string]> = [
    ["{scan_id}_{uid:.8}", "7_8d137c09"],
    ["{start[uid]}", "8d137c09-aaaa-bbbb"],
    ["{sample.name}", "Fe_Co"],
    ["{sample[name]}-{scan_id:05d}", "Fe_Co-00007"],
    ["{plan_name:>6}|{scan_id:<3}|", "  scan|7  |"],
    ["{time:.3f}", "1.500"],
    ["{plan_name:*^8}", "**scan**"],
    [".{plan_name}", "_scan"],
  ];
  for (const [template, name] of cases) assert.equal(nameTemplate(template)(start), name, template);
  assert.throws(() => nameTemplate("{scan_id"), /unmatched brace/);
  assert.throws(() => nameTemplate("{scan_id:x}"), /format spec "x"/);
  assert.throws(() => nameTemplate("")(start), /empty/);
  assert.throws(() => nameTemplate("{missing}")(start), /start document has no "missing"/);
  assert.throws(() => nameTemplate("{plan_name:d}")(start), /needs a number/);
});

test("tar: Python's tarfile reads long names, empty files and sizes off the block boundary", async () => {
  const dir = mkdtempSync(join(tmpdir(), "databroker-tar-"));
  try {
    const path = join(dir, "x.tar");
    const out = createWriteStream(path);
    const folder = tarFolder(out, "run/", new ByteCount());
    const long = `${"deep/".repeat(25)}file.txt`;
    const files: Record<string, string> = { "a.txt": "x".repeat(513), [long]: "long name", "empty.bin": "" };
    for (const [name, text] of Object.entries(files)) await folder.file(name, (sink) => sink.write(text));
    await writeChunk(out, TAR_END);
    out.end();
    await finished(out);
    const script =
      "import json, sys, tarfile\n" +
      "with tarfile.open(sys.argv[1]) as t:\n" +
      "    print(json.dumps({m.name: t.extractfile(m).read().decode() for m in t}))\n";
    const read = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" }));
    assert.deepEqual(
      read,
      Object.fromEntries(Object.entries(files).map(([name, text]) => [`run/${name}`, text])),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
