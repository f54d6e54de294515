// Run validation rule by rule: a good run built with composeRun, then broken one way at a time; each break
// must be reported with its exact rule, document index and path.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { RunChecker, type RunFinding, type RunReport, validateRun } from "../../src/documents/run/index.ts";
import type { DocumentPair, Event } from "../../src/documents/types.ts";
import { validateDocument } from "../../src/documents/validate.ts";

/**
 * A complete, valid run. Indices: 0 start, 1 descriptor "primary" (det; img external), 2 resource, 3 datum,
 * 4 event ev-1, 5 datum, 6 event ev-2, 7 descriptor "baseline", 8 event ev-b1, 9 datum, 10 datum,
 * 11 event_page (ev-3, ev-4), 12 stream_resource, 13 descriptor "cam" (a STREAM: key), 14 stream_datum, 15 stop.
 */
function goodRun(): DocumentPair[] {
  const run = composeRun({ plan_name: "count" }, { uid: "run-1", time: 1000 });
  const primary = run.composeDescriptor({
    name: "primary",
    uid: "desc-primary",
    data_keys: {
      det: { dtype: "number", shape: [], source: "SIM:det" },
      img: { dtype: "array", shape: [4, 4], source: "SIM:img", external: "FILESTORE:" },
    },
  });
  const resource = run.composeResource({
    spec: "NPY_SEQ",
    root: "/data",
    resource_path: "img",
    uid: "res-1",
  });
  const datum0 = resource.composeDatum({ index: 0 });
  const datum1 = resource.composeDatum({ index: 1 });
  const datum2 = resource.composeDatum({ index: 2 });
  const datum3 = resource.composeDatum({ index: 3 });
  const event = (n: number, datumId: string) =>
    primary.composeEvent({
      uid: `ev-${n}`,
      data: { det: n, img: datumId },
      timestamps: { det: 1000 + n, img: 1000 + n },
      filled: { img: false },
      time: 1000 + n,
    });
  const baseline = run.composeDescriptor({
    name: "baseline",
    uid: "desc-baseline",
    data_keys: { temp: { dtype: "number", shape: [], source: "SIM:temp" } },
  });
  const streamResource = run.composeStreamResource({
    uid: "sres-1",
    data_key: "frame",
    mimetype: "application/x-hdf5",
    uri: "file://localhost/data/frames.h5",
    parameters: { dataset: "/entry/data" },
  });
  const cam = run.composeDescriptor({
    name: "cam",
    uid: "desc-cam",
    data_keys: { frame: { dtype: "array", shape: [1, 8, 8], source: "SIM:cam", external: "STREAM:" } },
  });
  return [
    ["start", run.start],
    ["descriptor", primary.descriptor],
    ["resource", resource.resource],
    ["datum", datum0],
    ["event", event(1, datum0.datum_id)],
    ["datum", datum1],
    ["event", event(2, datum1.datum_id)],
    ["descriptor", baseline.descriptor],
    ["event", baseline.composeEvent({ uid: "ev-b1", data: { temp: 20 }, timestamps: { temp: 1000 } })],
    ["datum", datum2],
    ["datum", datum3],
    [
      "event_page",
      primary.composeEventPage({
        uid: ["ev-3", "ev-4"],
        data: { det: [3, 4], img: [datum2.datum_id, datum3.datum_id] },
        timestamps: { det: [1003, 1004], img: [1003, 1004] },
        filled: { img: [false, false] },
      }),
    ],
    ["stream_resource", streamResource.streamResource],
    ["descriptor", cam.descriptor],
    [
      "stream_datum",
      streamResource.composeStreamDatum({ descriptor: cam.descriptor, indices: { start: 0, stop: 3 } }),
    ],
    ["stop", run.composeStop()],
  ] as DocumentPair[];
}

/** Deep copy, so each test breaks its own run. */
function fresh(): DocumentPair[] {
  return structuredClone(goodRun());
}

function indexOf(pairs: DocumentPair[], predicate: (pair: DocumentPair) => boolean): number {
  const index = pairs.findIndex(predicate);
  assert.ok(index >= 0);
  return index;
}

const eventNamed = (uid: string) => (pair: DocumentPair) =>
  pair[0] === "event" && (pair[1] as Event).uid === uid;

/** The findings of a report, as comparable tuples. */
function summary(findings: RunFinding[]): Array<[number | undefined, string, string, string]> {
  return findings.map((finding) => [finding.doc_index, finding.name, finding.path, finding.rule]);
}

function onlyErrors(report: RunReport): Array<[number | undefined, string, string, string]> {
  assert.equal(report.valid, false);
  return summary(report.errors);
}

describe("a good composed run", () => {
  test("is valid with no warnings, and names its start uid", () => {
    const report = validateRun(goodRun());
    assert.deepEqual(report, { uid: "run-1", valid: true, errors: [], warnings: [] });
  });
});

describe("errors: order and count of start and stop", () => {
  test("two starts", () => {
    const pairs = fresh();
    const second = composeRun({}, { uid: "run-2" }).start;
    pairs.splice(3, 0, ["start", second]);
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[3, "start", "", "one-start"]]);
  });

  test("a start that is not first", () => {
    const pairs = fresh();
    const [start] = pairs.splice(0, 1);
    pairs.splice(2, 0, start);
    // The descriptor's run_start is checked when the start arrives: it is the same run, so only the place is wrong.
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[2, "start", "", "start-first"]]);
  });

  test("no start at all", () => {
    const pairs = fresh().slice(1);
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[undefined, "start", "", "start-missing"]]);
    assert.equal(validateRun(pairs).uid, null);
  });

  test("stop not last: the first document after it is reported, and the rest counted", () => {
    const pairs = fresh();
    const stop = pairs.pop()!;
    pairs.splice(12, 0, stop);
    const report = validateRun(pairs);
    assert.deepEqual(summary(report.errors), [[13, "stream_resource", "", "stop-last"]]);
    assert.match(report.errors[0].message, /after the stop \(document 12\).*\(and 2 more like it\)/);
  });

  test("two stops", () => {
    const pairs = fresh();
    const stop = structuredClone(pairs.at(-1)!);
    (stop[1] as { uid: string }).uid = "stop-2";
    pairs.push(stop);
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[16, "stop", "", "one-stop"]]);
  });
});

describe("errors: references", () => {
  test("an event before its descriptor is out of order, reported at the event", () => {
    const pairs = fresh();
    const [descriptor] = pairs.splice(1, 1);
    pairs.splice(4, 0, descriptor);
    // 0 start, 1 resource, 2 datum, 3 event (desc-primary unknown), 4 descriptor, ...
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[3, "event", "descriptor", "order"]]);
  });

  test("a datum before its resource is out of order, reported at the datum", () => {
    const pairs = fresh();
    const [resource] = pairs.splice(2, 1);
    pairs.splice(3, 0, resource);
    // 2 datum (res-1 unknown), 3 resource
    const report = validateRun(pairs);
    assert.deepEqual(onlyErrors(report), [[2, "datum", "resource", "order"]]);
    assert.match(report.errors[0].message, /res-1, which only comes later \(document 3\)/);
  });

  test("an event before the datum it references is out of order", () => {
    const pairs = fresh();
    const [datum] = pairs.splice(5, 1); // datum1, referenced by ev-2
    pairs.splice(6, 0, datum);
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[5, "event", "data.img", "order"]]);
  });

  test("references that never resolve are dangling", () => {
    const pairs = fresh();
    const event = pairs[indexOf(pairs, eventNamed("ev-b1"))][1] as Event;
    event.descriptor = "no-such-descriptor";
    (pairs[3][1] as { resource: string }).resource = "no-such-resource";
    (pairs[14][1] as { stream_resource: string }).stream_resource = "no-such-stream-resource";
    (pairs[7][1] as { run_start: string }).run_start = "another-run";
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [3, "datum", "resource", "reference"],
      [7, "descriptor", "run_start", "reference"],
      [8, "event", "descriptor", "reference"],
      [14, "stream_datum", "stream_resource", "reference"],
    ]);
  });
});

describe("errors: seq_num, keys, uids", () => {
  test("a gap in seq_num", () => {
    const pairs = fresh();
    (pairs[indexOf(pairs, eventNamed("ev-2"))][1] as Event).seq_num = 3;
    // ev-2 claims 3 (2 expected); the page then starts at 3 where 4 is expected.
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [6, "event", "seq_num", "seq_num-gap"],
      [11, "event_page", "seq_num[0]", "seq_num-repeat"],
    ]);
  });

  test("a repeated seq_num, counted per stream name", () => {
    const pairs = fresh();
    (pairs[indexOf(pairs, eventNamed("ev-2"))][1] as Event).seq_num = 1;
    const report = validateRun(pairs);
    assert.deepEqual(onlyErrors(report), [
      [6, "event", "seq_num", "seq_num-repeat"],
      [11, "event_page", "seq_num[0]", "seq_num-gap"],
    ]);
    assert.match(report.errors[0].message, /seq_num 1 in stream "primary" where 2 was expected/);
  });

  test("descriptors of one stream name share the seq_num counter", () => {
    const run = composeRun();
    const keys = { x: { dtype: "number" as const, shape: [], source: "x" } };
    const first = run.composeDescriptor({ data_keys: keys });
    const second = run.composeDescriptor({ data_keys: keys });
    const one = first.composeEvent({ data: { x: 1 }, timestamps: { x: 1 } });
    const two = second.composeEvent({ data: { x: 2 }, timestamps: { x: 2 } });
    assert.equal(two.seq_num, 2);
    const pairs: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", first.descriptor],
      ["event", one],
      ["descriptor", second.descriptor],
      ["event", { ...two, seq_num: 1 }],
      ["stop", run.composeStop()],
    ];
    const report = validateRun(pairs);
    assert.deepEqual(summary(report.errors), [[4, "event", "seq_num", "seq_num-repeat"]]);
    assert.deepEqual(summary(report.warnings), [[3, "descriptor", "name", "multiple-descriptors"]]);
    assert.match(report.warnings[0].message, /same data_keys/);
  });

  test("key sets of data, timestamps, filled and data_keys must agree", () => {
    const pairs = fresh();
    const event = pairs[indexOf(pairs, eventNamed("ev-1"))][1] as Event;
    delete event.data.det;
    event.data.extra = 1;
    event.timestamps.extra = 1;
    event.timestamps.orphan = 1;
    event.filled = { img: false, ghost: false };
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [4, "event", "data.det", "data-keys"],
      [4, "event", "data.extra", "data-keys"],
      [4, "event", "timestamps.det", "timestamps-keys"],
      [4, "event", "timestamps.orphan", "timestamps-keys"],
      [4, "event", "filled.ghost", "filled-keys"],
    ]);
  });

  test("STREAM: keys may be absent from events", () => {
    const run = composeRun();
    const cam = run.composeDescriptor({
      data_keys: {
        frame: { dtype: "array", shape: [2], source: "cam", external: "STREAM:" },
        x: { dtype: "number", shape: [], source: "x" },
      },
    });
    const sr = run.composeStreamResource({
      data_key: "frame",
      mimetype: "application/x-hdf5",
      uri: "file:///f.h5",
    });
    const pairs: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", cam.descriptor],
      ["stream_resource", sr.streamResource],
      ["stream_datum", sr.composeStreamDatum({ descriptor: cam.descriptor, indices: { start: 0, stop: 1 } })],
      ["event", cam.composeEvent({ data: { x: 1 }, timestamps: { x: 1 } })],
      ["stop", run.composeStop()],
    ];
    assert.deepEqual(validateRun(pairs), { uid: run.start.uid, valid: true, errors: [], warnings: [] });
  });

  test("a duplicate uid, and a duplicate datum_id", () => {
    const pairs = fresh();
    (pairs[indexOf(pairs, eventNamed("ev-2"))][1] as Event).uid = "ev-1";
    (pairs[10][1] as { datum_id: string }).datum_id = (pairs[9][1] as { datum_id: string }).datum_id;
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [6, "event", "uid", "duplicate-uid"],
      [10, "datum", "datum_id", "duplicate-datum-id"],
    ]);
  });

  test("a repeated problem in many events is one finding with a count; add() still returns each", () => {
    const run = composeRun();
    const d = run.composeDescriptor({ data_keys: { x: { dtype: "number", shape: [], source: "x" } } });
    const checker = new RunChecker();
    checker.add("start", run.start);
    checker.add("descriptor", d.descriptor);
    let raised = 0;
    for (let n = 1; n <= 5; n++)
      raised += checker.add("event", {
        ...d.composeEvent({ data: { x: n }, timestamps: { x: n } }),
        data: {},
        timestamps: {},
      }).length;
    checker.add("stop", run.composeStop());
    const report = checker.finish();
    assert.equal(raised, 5);
    assert.deepEqual(summary(report.errors), [[2, "event", "data.x", "data-keys"]]);
    assert.match(report.errors[0].message, /\(and 4 more like it\)$/);
  });
});

describe("pages and deprecated bulk documents", () => {
  test("event page: rows count as events; columns of another length are reported", () => {
    const pairs = fresh();
    const page = pairs[11][1] as { data: Record<string, unknown[]>; uid: string[] };
    page.data.det = [3];
    page.uid[1] = "ev-1";
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [11, "event_page", "data.det", "page-length"],
      [11, "event_page", "uid[1]", "duplicate-uid"],
    ]);
  });

  test("bulk_events are checked event by event", () => {
    const run = composeRun();
    const d = run.composeDescriptor({ data_keys: { x: { dtype: "number", shape: [], source: "x" } } });
    const events = [1, 2, 3].map((x) => d.composeEvent({ data: { x }, timestamps: { x } }));
    events[2].seq_num = 5;
    const pairs: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", d.descriptor],
      ["bulk_events", { [d.descriptor.uid]: events }],
      ["stop", run.composeStop()],
    ];
    assert.deepEqual(onlyErrors(validateRun(pairs)), [
      [2, "bulk_events", `${d.descriptor.uid}[2].seq_num`, "seq_num-gap"],
    ]);
  });

  test("datum page and bulk_datum: datum ids count, duplicates are reported", () => {
    const run = composeRun();
    const r = run.composeResource({ spec: "X", root: "/", resource_path: "f" });
    const page = r.composeDatumPage({ n: [0, 1] });
    const pairs: DocumentPair[] = [
      ["start", run.start],
      [
        "bulk_datum",
        { resource: r.resource.uid, datum_ids: [page.datum_id[1]], datum_kwarg_list: [{ n: 1 }] },
      ],
      ["resource", r.resource],
      ["datum_page", page],
      ["stop", run.composeStop()],
    ];
    const report = validateRun(pairs);
    assert.deepEqual(summary(report.errors), [
      [1, "bulk_datum", "resource", "order"],
      [3, "datum_page", "datum_id[1]", "duplicate-datum-id"],
    ]);
  });
});

describe("warnings: messy but readable", () => {
  test("no stop, no descriptor", () => {
    const run = composeRun();
    const report = validateRun([["start", run.start]]);
    assert.equal(report.valid, true);
    assert.deepEqual(summary(report.warnings), [
      [undefined, "stop", "", "stop-missing"],
      [undefined, "descriptor", "", "descriptor-missing"],
    ]);
  });

  test("an aborted run, a wrong num_events, an external key without any resource", () => {
    const run = composeRun();
    const d = run.composeDescriptor({
      data_keys: { img: { dtype: "array", shape: [25, 27, 0], source: "PV:img", external: "FILESTORE:" } },
    });
    const stop = run.composeStop({ exit_status: "abort", reason: "user pressed stop" });
    stop.num_events = { primary: 2 };
    const report = validateRun([
      ["start", run.start],
      ["descriptor", d.descriptor],
      ["stop", stop],
    ]);
    assert.equal(report.valid, true);
    assert.deepEqual(summary(report.warnings), [
      [1, "descriptor", "data_keys.img.external", "external-without-resource"],
      [2, "stop", "exit_status", "exit-status"],
      [2, "stop", "num_events.primary", "num_events"],
    ]);
    assert.match(report.warnings[1].message, /abort.*user pressed stop/);
  });

  test("descriptors of one stream with different data_keys: the warning says how", () => {
    const run = composeRun();
    const a = run.composeDescriptor({ data_keys: { x: { dtype: "number", shape: [], source: "x" } } });
    const b = run.composeDescriptor({ data_keys: { y: { dtype: "number", shape: [], source: "y" } } });
    const report = validateRun([
      ["start", run.start],
      ["descriptor", a.descriptor],
      ["descriptor", b.descriptor],
      ["stop", run.composeStop()],
    ]);
    assert.deepEqual(summary(report.warnings), [[2, "descriptor", "name", "multiple-descriptors"]]);
    assert.match(report.warnings[0].message, /adds y; lacks x/);
  });

  test("an unfilled external value naming no datum, in a run that has resources", () => {
    const pairs = fresh();
    (pairs[indexOf(pairs, eventNamed("ev-1"))][1] as Event).data.img = "res-1/999";
    const report = validateRun(pairs);
    assert.equal(report.valid, true);
    assert.deepEqual(summary(report.warnings), [[4, "event", "data.img", "datum-unresolved"]]);
  });
});

describe("schema findings and incremental use", () => {
  test("each document's schema is checked; findings keep the validator's rule and path", () => {
    const pairs = fresh();
    const descriptor = pairs[7][1] as unknown as Record<string, unknown>;
    delete descriptor.time;
    const expected = validateDocument("descriptor", descriptor).map((finding) => [
      7,
      "descriptor",
      finding.path,
      finding.rule,
    ]);
    assert.ok(expected.length > 0);
    assert.deepEqual(onlyErrors(validateRun(pairs)), expected);
    assert.deepEqual(validateRun(pairs, { schema: false }).errors, []);
  });

  test("add() returns what each document raised, including late order findings about earlier documents", () => {
    const pairs = fresh();
    const checker = new RunChecker();
    checker.add(pairs[0][0], pairs[0][1]);
    const early = checker.add("event", pairs[4][1]);
    assert.deepEqual(early, []);
    const late = checker.add(pairs[1][0], pairs[1][1]);
    assert.deepEqual(summary(late), [[1, "event", "descriptor", "order"]]);
    assert.equal(checker.uid, "run-1");
    assert.equal(checker.count, 3);
    assert.equal(checker.finish(), checker.finish());
    assert.throws(() => checker.add(pairs[2][0], pairs[2][1]));
  });

  test("an unknown document name is an error", () => {
    const pairs: Array<[string, unknown]> = [...fresh()];
    pairs.splice(1, 0, ["thing", {}]);
    assert.deepEqual(onlyErrors(validateRun(pairs)), [[1, "thing", "", "document-name"]]);
  });
});
