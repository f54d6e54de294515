// Reading every real document file: counts per file, known facts about the data, format detection from
// content (also under misleading names), plain directories, and clear rejection of values that are not documents.
import assert from "node:assert/strict";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  type DocumentFormat,
  detectFileFormat,
  detectFormat,
  readDocuments,
} from "../../src/documents/formats/index.ts";
import { NotFoundError, UnreadableError } from "../../src/errors.ts";
import { dataPath } from "../support/sharedData.ts";
import {
  collect,
  collectUntilFailure,
  countByName,
  splitRuns,
  temporaryDirectory,
  uidOf,
} from "./formats-support.ts";

interface RealFile {
  path: string;
  format: DocumentFormat;
  counts: Record<string, number>;
}

const tiledExample = (name: string, counts: Record<string, number>): RealFile => ({
  path: dataPath("bluesky-tiled-plugins-examples", name),
  format: "name-doc-json-array",
  counts,
});
const callbacksTest = (name: string, counts: Record<string, number>): RealFile => ({
  path: dataPath("apstools", "callbacks-tests", name),
  format: "json-array",
  counts,
});
const packDocuments = (pack: string, uid: string, counts: Record<string, number>): RealFile => ({
  path: dataPath(...pack.split("/"), "documents", `${uid}.msgpack`),
  format: "msgpack",
  counts,
});

const oneRun = { start: 1, stop: 1 };
const REAL_FILES: RealFile[] = [
  {
    path: dataPath("apstools", "tests", "usaxs.json"),
    format: "json-array",
    counts: { start: 10, descriptor: 19, event: 172, stop: 10 },
  },
  {
    path: dataPath("apstools", "tests", "apstools.json"),
    format: "json-array",
    counts: { start: 53, descriptor: 52, event: 1302, stop: 52 },
  },
  callbacksTest("hklpy-26aac337.json", { ...oneRun, descriptor: 2, event: 2 }),
  callbacksTest("hklpy-7ab721bd.json", { ...oneRun, descriptor: 2, event: 2 }),
  callbacksTest("uid-219cc7b4.json", { ...oneRun, descriptor: 4, event: 5 }),
  callbacksTest("uid-34c84a1b.json", { ...oneRun, descriptor: 1, event: 3 }),
  callbacksTest("uid-3ab777ae.json", { ...oneRun, descriptor: 1, event: 11 }),
  callbacksTest("uid-b31e8698.json", { ...oneRun, descriptor: 2, event: 1 }),
  callbacksTest("uid-f05b6684.json", { ...oneRun, descriptor: 1, event: 31 }),
  tiledExample("external_assets.json", {
    ...oneRun,
    descriptor: 2,
    stream_resource: 3,
    stream_datum: 9,
    event: 3,
  }),
  tiledExample("external_assets_legacy.json", { ...oneRun, descriptor: 1, resource: 1, datum: 3, event: 3 }),
  tiledExample("external_assets_single_key.json", {
    ...oneRun,
    descriptor: 1,
    stream_resource: 2,
    stream_datum: 2,
  }),
  tiledExample("internal_events.json", { ...oneRun, descriptor: 2, event: 3 }),
  packDocuments("apstools/440_specwriter_problem_run", "624e776a-a914-4a74-8841-babf1591fb29", {
    ...oneRun,
    descriptor: 2,
    event_page: 185,
  }),
  packDocuments("databroker-pack/simple_catalog", "4e22852d-33b1-49d2-bf73-2b1478a8f0b4", {
    ...oneRun,
    descriptor: 1,
    resource: 1,
    datum_page: 1,
    event_page: 1,
  }),
  packDocuments("databroker-pack/simple_catalog", "6ae80362-1095-45ba-a033-ef15db9ca587", {
    ...oneRun,
    descriptor: 1,
    event_page: 1,
  }),
  packDocuments("databroker-pack/simple_catalog", "b53f5090-cb1b-4226-a16c-7f71fae07144", {
    ...oneRun,
    descriptor: 1,
    event_page: 3,
  }),
  packDocuments("databroker-pack/another_simple_catalog", "0cbdeb66-972b-4a3a-9910-fd78cb7972a2", {
    ...oneRun,
    descriptor: 1,
    event_page: 1,
  }),
  packDocuments("databroker-pack/another_simple_catalog", "b91b9481-e0ef-400b-b82d-51125c8bf852", {
    ...oneRun,
    descriptor: 1,
    event_page: 3,
  }),
  packDocuments("databroker-pack/another_simple_catalog", "c42a4283-48ba-4399-a7c2-da97cd11117c", {
    ...oneRun,
    descriptor: 1,
    resource: 1,
    datum_page: 1,
    event_page: 1,
  }),
];

/** A name that suggests the wrong format. */
const MISLEADING_NAME: Record<DocumentFormat, string> = {
  jsonl: "data.msgpack",
  "json-array": "data.jsonl",
  msgpack: "data.json",
  "name-doc-jsonl": "data.msgpack",
  "name-doc-json-array": "data.jsonl",
};

describe("reading the real document files", () => {
  for (const file of REAL_FILES) {
    test(`${file.path.split("/data/")[1]}: ${file.format}, documents counted by name`, async () => {
      assert.equal(await detectFileFormat(file.path), file.format);
      assert.deepEqual(countByName(await collect(file.path)), file.counts);
    });
  }

  test("the 17 suitcase-jsonl tutorial runs, each file a JSON Lines run", async () => {
    const dir = dataPath("bluesky-tutorials", "example_data");
    const documents = await collect(dir);
    assert.deepEqual(countByName(documents), {
      start: 17,
      descriptor: 34,
      event_page: 259,
      resource: 7,
      datum_page: 175,
      stop: 17,
    });
    const runs = splitRuns(documents);
    assert.equal(runs.length, 17);
    for (const run of runs) {
      assert.equal(run[0][0], "start");
      assert.equal(run.at(-1)?.[0], "stop");
    }
    // Files are read in sorted order: the first run is the one of the first file name.
    assert.equal(uidOf(runs[0][0]), "0bffac43-2002-40b5-a9a5-e1aa6debf59f");
    assert.equal(await detectFileFormat(join(dir, "0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl")), "jsonl");
  });

  test("the tiled examples' {{ uuid }} placeholders stay inside their strings", async () => {
    const [[name, start]] = await collect(dataPath("bluesky-tiled-plugins-examples", "external_assets.json"));
    assert.equal(name, "start");
    assert.equal(start.uid, "{{ uuid }}-9724b2201fe7");
  });

  test("usaxs.json keeps its inline 7999-channel mca spectra as arrays of numbers", async () => {
    const documents = await collect(dataPath("apstools", "tests", "usaxs.json"));
    const spectra = documents
      .filter(([name]) => name === "event")
      .flatMap(([, event]) => Object.entries((event as { data: Record<string, unknown> }).data))
      .filter(([, value]) => Array.isArray(value) && value.length === 7999);
    assert.deepEqual([...new Set(spectra.map(([key]) => key))].sort(), [
      "struck_mca1_spectrum",
      "struck_mca2_spectrum",
      "struck_mca3_spectrum",
    ]);
    assert.ok(spectra.every(([, spectrum]) => (spectrum as unknown[]).every((x) => typeof x === "number")));
  });

  test("every format is detected from the content even under a misleading name", async (t) => {
    const dir = await temporaryDirectory(t);
    const seen = new Set<DocumentFormat>();
    for (const file of REAL_FILES.filter((f) => !seen.has(f.format) && seen.add(f.format))) {
      const misnamed = join(dir, `${file.format}-${MISLEADING_NAME[file.format]}`);
      await copyFile(file.path, misnamed);
      assert.equal(await detectFileFormat(misnamed), file.format);
      assert.deepEqual(await collect(misnamed), await collect(file.path));
    }
    const tutorial = dataPath(
      "bluesky-tutorials",
      "example_data",
      "0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl",
    );
    const misnamed = join(dir, "tutorial.msgpack");
    await copyFile(tutorial, misnamed);
    assert.equal(await detectFileFormat(misnamed), "jsonl");
    assert.deepEqual(await collect(misnamed), await collect(tutorial));
  });
});

describe("detectFormat", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  test("tells the five formats apart from their first bytes", () => {
    assert.equal(detectFormat(bytes('["start", {"uid": "a"}]\n')), "jsonl");
    assert.equal(detectFormat(bytes('[["start", {"uid": "a"}]]')), "json-array");
    assert.equal(detectFormat(bytes('[\n  [\n    "start",')), "json-array");
    assert.equal(detectFormat(bytes('{"name": "start", "doc": {}}\n')), "name-doc-jsonl");
    assert.equal(detectFormat(bytes('[\n    {\n        "name": "start",')), "name-doc-json-array");
    assert.equal(detectFormat(new Uint8Array([0x92, 0xa5, ...bytes("start")])), "msgpack");
    assert.equal(detectFormat(new Uint8Array([0xdc, 0x00, 0x02])), "msgpack");
  });

  test("looks past a byte order mark and leading whitespace; empty input is a file of no documents", () => {
    assert.equal(detectFormat(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(' \n["stop", {}]')])), "jsonl");
    assert.equal(detectFormat(bytes("[]")), "json-array");
    assert.equal(detectFormat(bytes("")), "jsonl");
    assert.equal(detectFormat(bytes(" \n\t")), "jsonl");
  });

  test("names the source and byte of input that is no document format", () => {
    assert.throws(
      () => detectFormat(bytes("  hello"), "notes.txt"),
      (error: unknown) =>
        error instanceof UnreadableError &&
        error.source === "notes.txt" &&
        error.location === "byte 2" &&
        error.message.includes("'h'"),
    );
    assert.throws(() => detectFormat(bytes("[42, 43]"), "numbers.json"), /first element starts with '4'/);
  });
});

describe("directories", () => {
  test("a plain directory is read recursively in sorted order, skipping hidden and non-document files", async (t) => {
    const dir = await temporaryDirectory(t);
    await mkdir(join(dir, "a-runs"));
    await writeFile(join(dir, "b.jsonl"), '["start", {"uid": "b", "time": 2}]\n');
    await writeFile(join(dir, "a-runs", "z.json"), '[["start", {"uid": "a-z", "time": 1}]]');
    await writeFile(
      join(dir, "a-runs", "m.msgpack"),
      Buffer.from([0x92, 0xa4, ...Buffer.from("stop"), 0x80]),
    );
    await writeFile(join(dir, ".hidden.jsonl"), '["start", {"uid": "hidden", "time": 0}]\n');
    await writeFile(join(dir, "README.md"), "[not documents]\n");
    const documents = await collect(dir);
    assert.deepEqual(
      documents.map((pair) => [pair[0], uidOf(pair)]),
      [
        ["stop", undefined],
        ["start", "a-z"],
        ["start", "b"],
      ],
    );
  });

  test("a directory of databroker-pack directories reads every pack, in sorted order", async () => {
    const documents = await collect(dataPath("databroker-pack"));
    const starts = documents.filter(([name]) => name === "start").map(uidOf);
    assert.deepEqual(starts, [
      "0cbdeb66-972b-4a3a-9910-fd78cb7972a2",
      "b91b9481-e0ef-400b-b82d-51125c8bf852",
      "c42a4283-48ba-4399-a7c2-da97cd11117c",
      "4e22852d-33b1-49d2-bf73-2b1478a8f0b4",
      "6ae80362-1095-45ba-a033-ef15db9ca587",
      "b53f5090-cb1b-4226-a16c-7f71fae07144",
    ]);
    assert.equal(documents.length, 32);
  });
});

describe("values that are not documents", () => {
  async function failureOf(
    t: Parameters<typeof temporaryDirectory>[0],
    name: string,
    content: string | Buffer,
  ) {
    const path = join(await temporaryDirectory(t), name);
    await writeFile(path, content);
    const { documents, error } = await collectUntilFailure(path);
    assert.ok(error instanceof UnreadableError, `expected UnreadableError, got ${error}`);
    assert.equal(error.source, path);
    return { documents, error };
  }

  test("a JSON Lines value that is not a pair, an unknown name, a body that is not an object", async (t) => {
    const good = '["start", {"uid": "s", "time": 1}]\n';
    let { documents, error } = await failureOf(t, "a.jsonl", `${good}\n{"uid": "x"}\n`);
    assert.equal(documents.length, 1);
    assert.equal(error.location, "line 3");
    assert.match(error.message, /expected a \[name, doc\] pair, found an object with keys "uid"/);

    ({ documents, error } = await failureOf(t, "b.jsonl", `${good}["frobnicate", {}]\n`));
    assert.equal(documents.length, 1);
    assert.equal(error.location, "line 2");
    assert.match(error.message, /unknown document name "frobnicate"/);

    ({ error } = await failureOf(t, "c.jsonl", '["event", [1, 2]]\n'));
    assert.match(error.message, /the event document is an array of 2 elements, not an object/);
  });

  test("a JSON array element that is not a pair names its byte", async (t) => {
    const text = '[["start", {"uid": "s", "time": 1}], [1, 2, 3]]';
    const { documents, error } = await failureOf(t, "a.json", text);
    assert.equal(documents.length, 1);
    assert.equal(error.location, `byte ${text.indexOf("[1, 2, 3]")}`);
    assert.match(error.message, /expected a \[name, doc\] pair, found an array of 3 elements/);
  });

  test("a {name, doc} file with an object lacking doc, and a primitive array element", async (t) => {
    let { error } = await failureOf(t, "a.json", '[{"name": "start", "document": {}}]');
    assert.match(
      error.message,
      /expected a \{"name", "doc"\} object, found an object with keys "name", "document"/,
    );
    ({ error } = await failureOf(t, "b.json", '[["stop", {}], 7]'));
    assert.equal(error.location, "byte 15");
    assert.match(error.message, /expected document 2 \(a JSON array or object\), found "7\]"/);
  });

  test("a msgpack value that is not a pair names its byte", async (t) => {
    const stop = [0x92, 0xa4, ...Buffer.from("stop"), 0x80]; // ["stop", {}]
    const { documents, error } = await failureOf(t, "a.msgpack", Buffer.from([...stop, 0x2a]));
    assert.equal(documents.length, 1);
    assert.equal(error.location, `byte ${stop.length}`);
    assert.match(error.message, /expected a \[name, doc\] pair, found number 42/);
  });

  test("Python's NaN, Infinity and -Infinity tokens are read as numbers", async (t) => {
    const path = join(await temporaryDirectory(t), "python.jsonl");
    await writeFile(
      path,
      '["event", {"data": {"a": NaN, "b": Infinity, "c": -Infinity, "d": [1.5, NaN]}}]\n',
    );
    const [[, event]] = await collect(path);
    assert.deepEqual((event as { data: unknown }).data, {
      a: Number.NaN,
      b: Number.POSITIVE_INFINITY,
      c: Number.NEGATIVE_INFINITY,
      d: [1.5, Number.NaN],
    });
  });

  test("readDocuments of a missing path throws NotFoundError", async () => {
    await assert.rejects(collect(dataPath("no-such-file.jsonl")), NotFoundError);
    // The generator is lazy: nothing is read before iteration starts.
    assert.equal(typeof readDocuments(dataPath("no-such-file.jsonl"))[Symbol.asyncIterator], "function");
  });
});
