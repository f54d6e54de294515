// Splitting a multi-run stream into runs by their links, and checking every run of a stream at once.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { RunsChecker, splitRuns, validateRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, Event, EventDescriptor } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";
import { loadPairs } from "./loadPairs.ts";

/** A small complete run: start, descriptor, `n` events, stop. */
function smallRun(n: number, uid: string): DocumentPair[] {
  const run = composeRun({}, { uid });
  const d = run.composeDescriptor({
    uid: `${uid}-desc`,
    data_keys: { x: { dtype: "number", shape: [], source: "x" } },
  });
  const events = Array.from({ length: n }, (_, x) => d.composeEvent({ data: { x }, timestamps: { x } }));
  return [
    ["start", run.start],
    ["descriptor", d.descriptor],
    ...events.map((event): DocumentPair => ["event", event]),
    ["stop", run.composeStop()],
  ];
}

describe("splitRuns", () => {
  test("apstools.json: one JSON array of 53 runs splits into 53 runs, every document in its run", async () => {
    const pairs = await loadPairs(dataPath("apstools/tests/apstools.json"));
    const { runs, findings } = splitRuns(pairs);
    assert.deepEqual(findings, []);
    assert.deepEqual(
      runs.map((run) => run.uid),
      pairs.filter((pair) => pair[0] === "start").map((pair) => pair[1].uid),
    );
    assert.equal(runs.length, 53);
    assert.equal(
      runs.reduce((sum, run) => sum + run.documents.length, 0),
      pairs.length,
    );
    for (const run of runs) {
      assert.equal(run.documents[0][0], "start");
      const descriptors = new Set(
        run.documents
          .filter((pair) => pair[0] === "descriptor")
          .map((pair) => (pair[1] as EventDescriptor).uid),
      );
      for (const [name, doc] of run.documents) {
        if (name === "descriptor" || name === "stop") assert.equal(doc.run_start, run.uid);
        if (name === "event") assert.ok(descriptors.has((doc as Event).descriptor));
      }
    }
  });

  test("interleaved runs are untangled by their links", () => {
    const a = smallRun(3, "run-a");
    const b = smallRun(2, "run-b");
    const interleaved: DocumentPair[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) interleaved.push(a[i]);
      if (b[i]) interleaved.push(b[i]);
    }
    const { runs, findings } = splitRuns(interleaved);
    assert.deepEqual(findings, []);
    assert.deepEqual(runs, [
      { uid: "run-a", documents: a },
      { uid: "run-b", documents: b },
    ]);
  });

  test("documents of no run become findings, repeated causes counted once", () => {
    const run = smallRun(2, "run-a");
    const stray = smallRun(3, "run-x").slice(1); // its descriptor names a run not in the stream
    const pairs: DocumentPair[] = [run[2], ...run, ...stray];
    const { runs, findings } = splitRuns(pairs);
    assert.deepEqual(runs, [{ uid: "run-a", documents: run }]);
    assert.deepEqual(
      findings.map((f) => [f.doc_index, f.name, f.path, f.rule, f.severity]),
      [
        [0, "event", "", "no-run", "error"],
        [6, "descriptor", "run_start", "reference", "error"],
        [7, "event", "descriptor", "reference", "error"],
        [10, "stop", "run_start", "reference", "error"],
      ],
    );
    assert.match(findings[2].message, /run-x-desc belongs to no run.*\(and 2 more like it\)$/);
  });

  test("a document whose descriptor is not known yet joins the latest run, whose check reports it", () => {
    const run = smallRun(2, "run-a");
    const [event] = run.splice(2, 1);
    run.splice(1, 0, event); // the event before its descriptor
    const { runs, findings } = splitRuns(run);
    assert.deepEqual(findings, []);
    assert.deepEqual(runs, [{ uid: "run-a", documents: run }]);
    const [report] = validateRuns(run);
    assert.deepEqual(
      report.errors.map((e) => [e.doc_index, e.name, e.path, e.rule]),
      [[1, "event", "descriptor", "order"]],
    );
  });
});

describe("validating every run of a stream", () => {
  test("one report per run in start order, then one for documents of no run", () => {
    const a = smallRun(1, "run-a");
    const b = smallRun(1, "run-b");
    (b[2][1] as Event).seq_num = 7;
    const checker = new RunsChecker();
    for (const [name, doc] of [
      ["stop", { uid: "s", time: 1, run_start: "nope", exit_status: "success" }],
      ...a,
      ...b,
    ])
      checker.add(name as string, doc);
    const reports = checker.finish();
    assert.deepEqual(
      reports.map((r) => [r.uid, r.valid, r.errors.map((e) => e.rule)]),
      [
        ["run-a", true, []],
        ["run-b", false, ["seq_num-gap"]],
        [null, false, ["no-run"]],
      ],
    );
  });
});
