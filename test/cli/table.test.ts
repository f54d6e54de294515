// `databroker table`: one stream of a run as CSV (streamed in chunks), one JSON object of columns, or Arrow
// IPC bytes, with --fields, --stream, --fill and --root-map; values checked against the documents.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { readPack } from "../../src/documents/formats/index.ts";
import type { DocumentPair, EventDescriptor, RunStart } from "../../src/documents/types.ts";
import { tableFromArrowIPC } from "../../src/tables/arrow.ts";
import { runsOf, streamEvents } from "../broker/catalogs.ts";
import { largeRun } from "../storage/syntheticRuns.ts";
import { dataPath } from "../support/sharedData.ts";
import { cliCatalogs } from "./brokerCatalogs.ts";
import { databroker, databrokerBytes } from "./storageCli.ts";

let usaxs: DocumentPair[][];
let pack: DocumentPair[][];
const large = largeRun(3, 5000);
let catalogs: Record<string, string>;

before(async () => {
  usaxs = await runsOf("apstools/tests/usaxs.json");
  pack = await runsOf("databroker-pack/simple_catalog");
  catalogs = await cliCatalogs("table", [...usaxs, ...pack, large.documents]);
});

/** The tune_ar run (35 primary events), its primary events and two of its number fields. */
function tuneRun() {
  const documents = usaxs.find((run) => (run[0][1] as RunStart).plan_name === "tune_ar")!;
  const descriptor = documents.find(
    ([name, doc]) => name === "descriptor" && doc.name === "primary",
  )![1] as EventDescriptor;
  const fields = Object.entries(descriptor.data_keys)
    .filter(([, key]) => key.dtype === "number")
    .map(([field]) => field)
    .slice(0, 2);
  const uid = (documents[0][1] as RunStart).uid;
  return { uid, events: streamEvents(documents, "primary"), fields, descriptor };
}

test("csv of chosen fields: a header, then seq_num, time and the values of each event", () => {
  const { uid, events, fields } = tuneRun();
  const result = databroker([
    "table",
    uid.slice(0, 8),
    "--fields",
    fields.join(","),
    "--catalog",
    catalogs.sqlite,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split("\r\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines[0], ["seq_num", "time", ...fields].join(","));
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(",").map(Number)),
    events.map((event) => [event.seq_num, event.time, ...fields.map((field) => event.data[field])]),
  );
});

test("json: one object of columns holding every field of the stream (files catalog)", () => {
  const { uid, events, descriptor } = tuneRun();
  const result = databroker(["table", uid, "--format", "json", "--catalog", catalogs.files]);
  assert.equal(result.code, 0, result.stderr);
  const columns = JSON.parse(result.stdout);
  assert.deepEqual(
    columns.seq_num,
    events.map((event) => event.seq_num),
  );
  assert.deepEqual(
    columns.time,
    events.map((event) => event.time),
  );
  const fields = Object.keys(descriptor.data_keys);
  assert.deepEqual(Object.keys(columns), ["seq_num", "time", ...fields]);
  for (const field of fields)
    assert.deepEqual(
      columns[field],
      events.map((event) => event.data[field]),
      field,
    );
});

test("arrow: IPC file bytes that read back as the same table", () => {
  const { uid, events, fields } = tuneRun();
  const result = databrokerBytes([
    "table",
    uid,
    "--format",
    "arrow",
    "--fields",
    fields[1],
    "--catalog",
    catalogs.sqlite,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.subarray(0, 6).toString("latin1"), "ARROW1");
  const table = tableFromArrowIPC(new Uint8Array(result.stdout));
  assert.deepEqual(table.columnNames, ["seq_num", "time", fields[1]]);
  assert.deepEqual(
    Array.from(table.column(fields[1]) as Float64Array),
    events.map((event) => event.data[fields[1]]),
  );
  assert.deepEqual(
    Array.from(table.column("seq_num") as Int32Array),
    events.map((event) => event.seq_num),
  );
});

test("--fill with --root-map: the NPY_SEQ images of a databroker-pack run as nested lists", async () => {
  const { rootMap } = await readPack(dataPath("databroker-pack/simple_catalog"));
  const withImages = pack.find((documents) => documents.some(([name]) => name === "resource"))!;
  const events = streamEvents(withImages, "primary");
  const [root, folder] = Object.entries(rootMap)[0];
  const uid = (withImages[0][1] as RunStart).uid;
  const args = ["table", uid, "--fill", "--format", "json", "--fields", "img", "--catalog", catalogs.sqlite];
  const result = databroker([...args, "--root-map", `${root}=${folder}`]);
  assert.equal(result.code, 0, result.stderr);
  const { img } = JSON.parse(result.stdout);
  // ophyd's simulated detector wrote np.ones((10, 10)) for each event.
  assert.deepEqual(
    img,
    events.map(() => new Array(10).fill(new Array(10).fill(1))),
  );
  const lost = databroker(args);
  assert.equal(lost.code, 1);
  assert.match(
    lost.stderr,
    /^databroker table: datum .* of resource .* \(spec NPY_SEQ, path .*\): file .* is not readable from this catalog's file roots/,
  );
});

test("a stream longer than one CSV chunk prints its header once and every row in order", () => {
  const result = databroker(["table", large.uid, "--fields", "a", "--catalog", catalogs.sqlite]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\r\n");
  assert.equal(lines.length, 15_001);
  assert.equal(lines.filter((line) => line.startsWith("seq_num")).length, 1);
  assert.deepEqual(
    lines.slice(1).map((line) => Number(line.split(",")[2])),
    Array.from({ length: 15_000 }, (_, i) => i),
  );
});

test("--stream picks the stream; an unknown one is exit 1 naming those there are", () => {
  const flyscan = usaxs.find((run) => (run[0][1] as RunStart).plan_name === "Flyscan")!;
  const uid = (flyscan[0][1] as RunStart).uid;
  const result = databroker(["table", uid, "--stream", "primary", "--catalog", catalogs.sqlite]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^databroker table: run .* has no stream "primary"; streams are: mca, baseline/,
  );
});
