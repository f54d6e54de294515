// composeRun: every document it composes passes its schema and the run checks; counters, ids and key
// checks behave as event-model's compose_run does.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { validateRun } from "../../src/documents/run/index.ts";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";
import { validateDocument } from "../../src/documents/validate.ts";
import { ConflictError, ValidationError } from "../../src/errors.ts";

const number = (source: string): DataKey => ({ dtype: "number", shape: [], source });

/** A run using every composer: two primary descriptors, a baseline, a resource, a stream resource. */
function everything(): { pairs: DocumentPair[]; run: ReturnType<typeof composeRun> } {
  const run = composeRun({ plan_name: "scan", sample: { name: "Si" }, scan_id: 7 });
  const pairs: DocumentPair[] = [["start", run.start]];
  const primary = run.composeDescriptor({
    data_keys: {
      x: number("x"),
      img: { dtype: "array", shape: [2, 2], source: "img", external: "FILESTORE:" },
    },
    object_keys: { det: ["x", "img"] },
    hints: { det: { fields: ["x"] } },
  });
  const resource = run.composeResource({
    spec: "NPY_SEQ",
    root: "/data",
    resource_path: "a",
    resource_kwargs: {},
  });
  pairs.push(["descriptor", primary.descriptor], ["resource", resource.resource]);
  for (let n = 0; n < 2; n++) {
    const datum = resource.composeDatum({ index: n });
    pairs.push(["datum", datum]);
    pairs.push([
      "event",
      primary.composeEvent({
        data: { x: n, img: datum.datum_id },
        timestamps: { x: n, img: n },
        filled: { img: false },
      }),
    ]);
  }
  const datumPage = resource.composeDatumPage({ index: [2, 3, 4] });
  pairs.push(["datum_page", datumPage]);
  pairs.push([
    "event_page",
    primary.composeEventPage({
      data: { x: [2, 3, 4], img: datumPage.datum_id },
      timestamps: { x: [2, 3, 4], img: [2, 3, 4] },
      filled: { img: [false, false, false] },
    }),
  ]);
  // A configuration change: a second descriptor of "primary" continues its seq_num counter.
  const primary2 = run.composeDescriptor({ name: "primary", data_keys: { x: number("x") } });
  pairs.push(
    ["descriptor", primary2.descriptor],
    ["event", primary2.composeEvent({ data: { x: 5 }, timestamps: { x: 5 } })],
  );
  const baseline = run.composeDescriptor({ name: "baseline", data_keys: { t: number("t") } });
  pairs.push(
    ["descriptor", baseline.descriptor],
    ["event", baseline.composeEvent({ data: { t: 1 }, timestamps: { t: 1 } })],
  );
  const streamResource = run.composeStreamResource({
    data_key: "frame",
    mimetype: "application/x-hdf5",
    uri: "file://localhost/data/f.h5",
    parameters: { dataset: "/entry/data" },
  });
  const cam = run.composeDescriptor({
    name: "cam",
    data_keys: { frame: { dtype: "array", shape: [1, 4], source: "cam", external: "STREAM:" } },
  });
  pairs.push(["stream_resource", streamResource.streamResource], ["descriptor", cam.descriptor]);
  pairs.push([
    "stream_datum",
    streamResource.composeStreamDatum({ descriptor: cam.descriptor, indices: { start: 0, stop: 2 } }),
  ]);
  pairs.push([
    "stream_datum",
    streamResource.composeStreamDatum({ descriptor: cam.descriptor, indices: { start: 2, stop: 5 } }),
  ]);
  pairs.push(["stop", run.composeStop({ reason: "done" })]);
  return { pairs, run };
}

describe("composeRun", () => {
  test("every composed document passes its schema, and the run passes the run checks", () => {
    const { pairs, run } = everything();
    for (const [name, doc] of pairs) assert.deepEqual(validateDocument(name, doc), [], name);
    const report = validateRun(pairs);
    assert.equal(report.uid, run.start.uid);
    assert.deepEqual(report.errors, []);
    // The only warning is the one a configuration change deserves.
    assert.deepEqual(
      report.warnings.map((w) => w.rule),
      ["multiple-descriptors"],
    );
  });

  test("the start carries the metadata, a fresh uid and the time; both can be given", () => {
    const { run } = everything();
    assert.equal(run.start.plan_name, "scan");
    assert.deepEqual(run.start.sample, { name: "Si" });
    assert.match(run.start.uid, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(run.start.time - Date.now() / 1000) < 60);
    const given = composeRun({}, { uid: "my-uid", time: 12.5 }).start;
    assert.deepEqual(given, { uid: "my-uid", time: 12.5 });
  });

  test("seq_num counts per stream name, shared by descriptors of that name; the stop counts events", () => {
    const { pairs, run } = everything();
    const seq = pairs.flatMap(([name, doc]) =>
      name === "event" ? [doc.seq_num] : name === "event_page" ? doc.seq_num : [],
    );
    assert.deepEqual(seq, [1, 2, 3, 4, 5, 6, 1]);
    const stop = pairs.at(-1)![1];
    assert.deepEqual(
      { ...stop, uid: "", time: 0 },
      {
        uid: "",
        time: 0,
        run_start: run.start.uid,
        exit_status: "success",
        reason: "done",
        num_events: { primary: 6, baseline: 1, cam: 0 },
      },
    );
  });

  test("datum ids are <resource uid>/<n>, stream datum uids <stream resource uid>/<n>, ranges half-open", () => {
    const { pairs, run } = everything();
    const resource = pairs.find((pair) => pair[0] === "resource")![1];
    const ids = pairs.flatMap(([name, doc]) =>
      name === "datum" ? [doc.datum_id] : name === "datum_page" ? doc.datum_id : [],
    );
    assert.deepEqual(
      ids,
      [0, 1, 2, 3, 4].map((n) => `${resource.uid}/${n}`),
    );
    const streamResource = pairs.find((pair) => pair[0] === "stream_resource")![1];
    const streamDatums = pairs.filter((pair) => pair[0] === "stream_datum").map((pair) => pair[1]);
    assert.deepEqual(
      streamDatums.map((d) => [d.uid, d.indices, d.seq_nums]),
      [
        [`${streamResource.uid}/0`, { start: 0, stop: 2 }, { start: 1, stop: 3 }],
        [`${streamResource.uid}/1`, { start: 2, stop: 5 }, { start: 3, stop: 6 }],
      ],
    );
    assert.equal(resource.run_start, run.start.uid);
  });

  test("events must match the descriptor's keys: the ValidationError names the rule and field", () => {
    const run = composeRun();
    const d = run.composeDescriptor({ data_keys: { x: number("x"), y: number("y") } });
    assert.throws(
      () => d.composeEvent({ data: { x: 1 }, timestamps: { x: 1, y: 1 } }),
      (error: ValidationError) =>
        error instanceof ValidationError &&
        JSON.stringify(error.findings.map((f) => [f.name, f.path, f.rule])) ===
          JSON.stringify([
            ["event", "data.y", "data-keys"],
            ["event", "timestamps.y", "timestamps-keys"],
          ]),
    );
    assert.throws(
      () => d.composeEventPage({ data: { x: [1, 2], y: [1] }, timestamps: { x: [1, 2], y: [1, 2] } }),
      (error: ValidationError) =>
        error.findings[0].path === "data.y" && error.findings[0].rule === "page-length",
    );
    // Nothing was counted for the rejected events.
    assert.equal(d.composeEvent({ data: { x: 1, y: 2 }, timestamps: { x: 1, y: 2 } }).seq_num, 1);
  });

  test("documents that break their schema are refused", () => {
    assert.throws(() => composeRun({ "bad.key": 1 }), ValidationError);
    const run = composeRun();
    assert.throws(
      () =>
        run.composeDescriptor({ data_keys: { x: { dtype: "complex", shape: [], source: "x" } as never } }),
      ValidationError,
    );
  });

  test("nothing can be composed after the stop", () => {
    const run = composeRun();
    const d = run.composeDescriptor({ data_keys: { x: number("x") } });
    run.composeStop({ exit_status: "abort", reason: "stopped" });
    assert.throws(() => d.composeEvent({ data: { x: 1 }, timestamps: { x: 1 } }), ConflictError);
    assert.throws(() => run.composeStop(), ConflictError);
  });
});
