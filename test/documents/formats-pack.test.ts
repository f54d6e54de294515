// databroker-pack directories: the three real packs are read (documents, root_map resolving to the copied
// external files), and packs written here — with copied external files — read back the same.
import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { readPack, writePack } from "../../src/documents/formats/index.ts";
import type { DocumentPair, Resource } from "../../src/documents/types.ts";
import { ConflictError, UnreadableError, ValidationError } from "../../src/errors.ts";
import { dataPath } from "../support/sharedData.ts";
import { collect, splitRuns, temporaryDirectory, uidOf } from "./formats-support.ts";

const SIMPLE = dataPath("databroker-pack", "simple_catalog");
const ANOTHER = dataPath("databroker-pack", "another_simple_catalog");
const SPECWRITER = dataPath("apstools", "440_specwriter_problem_run");

function resourcesOf(documents: DocumentPair[]): Resource[] {
  return documents.filter(([name]) => name === "resource").map(([, doc]) => doc as Resource);
}

/** NPY_SEQ (ophyd's NumpySeqHandler) reads `<root>/<resource_path>_<index>.npy`. */
function npySequenceFile(rootMap: Record<string, string>, resource: Resource, index: number): string {
  return join(rootMap[resource.root], `${resource.resource_path}_${index}.npy`);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

describe("the real databroker-pack directories", () => {
  for (const [dir, hash, npy] of [
    [SIMPLE, "f8483b80395561ac779a5425da6646ca", "4d0d22_0.npy"],
    [ANOTHER, "6dd0c365fe571bb2a00c63e1623fa298", "5357d9_0.npy"],
  ]) {
    test(`${dir.split("/").at(-1)}: documents, root_map and external files`, async () => {
      const pack = await readPack(dir);
      assert.equal(pack.name, dir.split("/").at(-1));
      assert.equal(pack.directory, dir);
      assert.equal(pack.documentFiles.length, 3);
      assert.ok(pack.documentFiles.every((file) => file.startsWith(join(dir, "documents/"))));
      assert.deepEqual(pack.documentFiles, [...pack.documentFiles].sort());
      assert.deepEqual(pack.rootMap, { [hash]: join(dir, "external_files", hash) });
      assert.ok(await isDirectory(pack.rootMap[hash]));
      assert.deepEqual(pack.externalFiles, [join(dir, "external_files", hash, npy)]);

      // Reading the directory is reading its document files in order.
      const documents = await collect(dir);
      const byFile = (await Promise.all(pack.documentFiles.map(collect))).flat();
      assert.deepEqual(documents, byFile);
      // The one Resource's root is the key of root_map, through which its file is found.
      const [resource] = resourcesOf(documents);
      assert.equal(resource.spec, "NPY_SEQ");
      assert.equal(resource.root, hash);
      assert.equal(npySequenceFile(pack.rootMap, resource, 0), pack.externalFiles[0]);
      assert.ok((await stat(pack.externalFiles[0])).size > 0);
    });
  }

  test("440_specwriter_problem_run: one run of 185 event pages, no external files", async () => {
    const pack = await readPack(SPECWRITER);
    assert.equal(pack.name, "440_specwriter_problem_run");
    assert.deepEqual(pack.documentFiles, [
      join(SPECWRITER, "documents", "624e776a-a914-4a74-8841-babf1591fb29.msgpack"),
    ]);
    assert.deepEqual(pack.rootMap, {});
    assert.deepEqual(pack.externalFiles, []);
    const documents = await collect(SPECWRITER);
    assert.equal(documents.filter(([name]) => name === "event_page").length, 185);
  });
});

describe("readPack of packs moved or damaged", () => {
  test("a catalog naming only absolute paths of another machine falls back to documents_manifest.txt", async (t) => {
    const dir = join(await temporaryDirectory(t), "moved");
    const runs = splitRuns(await collect(dataPath("apstools", "callbacks-tests", "uid-f05b6684.json")));
    await writePack(dir, runs);
    await writeFile(
      join(dir, "catalog.yml"),
      "sources:\n  packed_catalog:\n    args:\n      paths: [/home/someone/pack/documents/*.msgpack]\n",
    );
    const pack = await readPack(dir);
    assert.deepEqual(pack.documentFiles, [join(dir, "documents", `${uidOf(runs[0][0])}.msgpack`)]);
    assert.deepEqual(await collect(dir), runs[0]);
  });

  test("a catalog.yml that is no YAML is unreadable at its line", async (t) => {
    const dir = await temporaryDirectory(t);
    await writeFile(join(dir, "catalog.yml"), "sources:\n  packed_catalog:\n    args: [unclosed\n");
    await assert.rejects(readPack(dir), (error: unknown) => {
      assert.ok(error instanceof UnreadableError);
      assert.equal(error.source, join(dir, "catalog.yml"));
      assert.match(error.location, /^line [34]$/);
      return true;
    });
  });
});

describe("writePack", () => {
  test("a pack with copied external files reads back: documents, rewritten root, identical file", async (t) => {
    const dir = join(await temporaryDirectory(t), "packed");
    const original = await readPack(SIMPLE);
    const runs = await Promise.all(original.documentFiles.map(collect));
    const [oldRoot] = Object.keys(original.rootMap);
    const written = await writePack(dir, runs, {
      externalFiles: { [oldRoot]: original.externalFiles },
      rootMap: original.rootMap,
    });
    assert.deepEqual(written, await readPack(dir));
    assert.equal(written.documentFiles.length, 3);

    const [newRoot] = Object.keys(written.rootMap);
    assert.match(newRoot, /^[0-9a-f]{32}$/);
    assert.notEqual(newRoot, oldRoot);
    assert.equal(written.rootMap[newRoot], join(dir, "external_files", newRoot));
    assert.deepEqual(written.externalFiles, [join(dir, "external_files", newRoot, "4d0d22_0.npy")]);
    assert.deepEqual(await readFile(written.externalFiles[0]), await readFile(original.externalFiles[0]));

    // Every document is as it was, except the Resource's root, which now names the copy.
    const expected = runs
      .flat()
      .map(
        (pair): DocumentPair => (pair[0] === "resource" ? ["resource", { ...pair[1], root: newRoot }] : pair),
      );
    const readBack = await collect(dir);
    const byStart = (documents: DocumentPair[]) =>
      splitRuns(documents).sort((a, b) => String(uidOf(a[0])).localeCompare(String(uidOf(b[0]))));
    assert.deepEqual(byStart(readBack), byStart(expected));
    const [resource] = resourcesOf(readBack);
    assert.equal(npySequenceFile(written.rootMap, resource, 0), written.externalFiles[0]);
  });

  test("a JSON Lines pack of the ten usaxs runs: catalog.yml, manifest and documents", async (t) => {
    const dir = join(await temporaryDirectory(t), "usaxs-pack");
    const runs = splitRuns(await collect(dataPath("apstools", "tests", "usaxs.json")));
    const pack = await writePack(dir, runs, { format: "jsonl" });
    assert.equal(pack.documentFiles.length, 10);
    assert.ok(pack.documentFiles.every((file) => file.endsWith(".jsonl")));
    const catalog = parseYaml(await readFile(join(dir, "catalog.yml"), "utf8"));
    const source = catalog.sources.packed_catalog;
    assert.equal(source.driver, "bluesky-jsonl-catalog");
    assert.deepEqual(source.metadata.relative_paths, ["./documents/*.jsonl"]);
    assert.deepEqual(source.args.paths, [join(dir, "documents/*.jsonl")]);
    const manifest = (await readFile(join(dir, "documents_manifest.txt"), "utf8")).trim().split("\n");
    assert.deepEqual(
      manifest,
      runs.map((run) => `documents/${uidOf(run[0])}.jsonl`),
    );

    const byUid = new Map(runs.map((run) => [uidOf(run[0]), run]));
    for (const file of pack.documentFiles) {
      const run = await collect(file);
      assert.deepEqual(run, byUid.get(uidOf(run[0])));
    }
  });

  test("a root whose files stay where they are is written to root_map as given", async (t) => {
    const dir = join(await temporaryDirectory(t), "shared-root");
    const runs = [
      await collect(
        dataPath(
          "databroker-pack",
          "simple_catalog",
          "documents",
          "4e22852d-33b1-49d2-bf73-2b1478a8f0b4.msgpack",
        ),
      ),
    ];
    const pack = await writePack(dir, runs, {
      rootMap: { f8483b80395561ac779a5425da6646ca: "/mnt/beamline/data" },
    });
    assert.deepEqual(pack.rootMap, { f8483b80395561ac779a5425da6646ca: "/mnt/beamline/data" });
    assert.deepEqual(pack.externalFiles, []);
    assert.deepEqual(await collect(dir), runs[0]);
  });

  test("refuses an existing pack, a run not opened by its start, a file outside its root", async (t) => {
    const base = await temporaryDirectory(t);
    const run = await collect(join(SIMPLE, "documents", "4e22852d-33b1-49d2-bf73-2b1478a8f0b4.msgpack"));
    await writePack(join(base, "a"), [run]);
    await assert.rejects(writePack(join(base, "a"), [run]), ConflictError);
    await assert.rejects(writePack(join(base, "b"), [run.slice(1)]), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /must begin with its start document, found a descriptor document/);
      return true;
    });
    const outside = join(base, "elsewhere.npy");
    await writeFile(outside, "not under the root");
    await assert.rejects(
      writePack(join(base, "c"), [run], {
        externalFiles: { f8483b80395561ac779a5425da6646ca: [outside] },
        rootMap: { f8483b80395561ac779a5425da6646ca: join(SIMPLE, "external_files") },
      }),
      /is not under its resource root/,
    );
  });
});
