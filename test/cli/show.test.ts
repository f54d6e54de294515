// `databroker show`: one run's start, stop and streams (fields with dtype, shape, units; event counts), as
// JSON on a SQLite and a files catalog and as text, checked against the USAXS documents.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { DocumentPair, EventDescriptor, RunStart } from "../../src/documents/types.ts";
import { runsOf, streamEvents } from "../broker/catalogs.ts";
import { cliCatalogs } from "./brokerCatalogs.ts";
import { databroker } from "./storageCli.ts";

let runs: DocumentPair[][];
let catalogs: Record<string, string>;

before(async () => {
  runs = await runsOf("apstools/tests/usaxs.json");
  catalogs = await cliCatalogs("show", runs);
});

/** The run whose uid starts with `prefix`, and its descriptors. */
function run(prefix: string) {
  const documents = runs.find((candidate) => (candidate[0][1] as RunStart).uid.startsWith(prefix))!;
  const descriptors = documents
    .filter(([name]) => name === "descriptor")
    .map(([, doc]) => doc as EventDescriptor);
  return { documents, descriptors, start: documents[0][1] as RunStart };
}

for (const adapter of ["sqlite", "files"]) {
  test(`--json: start, stop and each stream's fields and event count (${adapter})`, () => {
    const { documents, descriptors, start } = run("19965989");
    const result = databroker(["show", "19965989", "--json", "--catalog", catalogs[adapter]]);
    assert.equal(result.code, 0, result.stderr);
    const shown = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(shown), ["start", "stop", "streams"]);
    assert.deepEqual(shown.start, start);
    assert.deepEqual(shown.stop, documents.find(([name]) => name === "stop")![1]);
    assert.deepEqual(Object.keys(shown.streams), ["mca", "baseline"]);
    for (const descriptor of descriptors) {
      const stream = shown.streams[descriptor.name!];
      assert.equal(stream.events, streamEvents(documents, descriptor.name!).length);
      assert.equal(stream.descriptors, 1);
      assert.deepEqual(Object.keys(stream.fields), Object.keys(descriptor.data_keys));
      for (const [field, key] of Object.entries(descriptor.data_keys)) {
        assert.deepEqual(stream.fields[field], {
          dtype: key.dtype,
          dtype_numpy: key.dtype_numpy ?? null,
          shape: key.shape,
          units: key.units ?? null,
          source: key.source,
          external: key.external ?? null,
        });
      }
    }
    assert.deepEqual(shown.streams.mca.fields.struck_mca1_spectrum.shape, [7999]);
  });
}

test("text: the start metadata, the stop, and a line per field under each stream", () => {
  const { start, descriptors } = run("3554003e");
  const result = databroker(["show", String(start.scan_id), "--catalog", catalogs.sqlite]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split("\n");
  assert.equal(lines[0], `run ${start.uid}`);
  assert.ok(lines.includes(`  plan_name: "tune_ar"`));
  assert.ok(lines.some((line) => /^stop: success after \d+\.\d{3} s$/.test(line)));
  assert.ok(lines.includes("stream primary: 35 events"));
  const primary = descriptors.find((descriptor) => descriptor.name === "primary")!;
  const [field, key] = Object.entries(primary.data_keys).find(
    ([, dataKey]) => typeof dataKey.units === "string" && dataKey.units !== "",
  )!;
  assert.ok(
    lines.some(
      (line) =>
        line.trim().split(/\s+/).join(" ") === `${field} ${key.dtype} [] ${key.units} ${key.source} -`,
    ),
    `a line for ${field}`,
  );
});

test("an unknown run is exit 1 with the reason", () => {
  const result = databroker(["show", "-99", "--catalog", catalogs.sqlite]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^databroker show: no run matches recent run -99/);
});
