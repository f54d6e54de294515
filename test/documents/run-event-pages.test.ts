// The run checker's event_page path, which checks a page column by column (lengths once per column, uids as
// one batch, seq_nums in one pass): every finding keeps its rule, row path, order and first document.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { RunChecker, validateRun } from "../../src/documents/run/index.ts";
import type { DocumentPair, EventPage } from "../../src/documents/types.ts";

/** start, descriptor "primary" (x), then pages of `rows` events each (seq_num counting on), and a stop. */
function pagedRun(pageRows: number[], stopEvents?: number): { pairs: DocumentPair[]; pages: EventPage[] } {
  const run = composeRun({}, { uid: "run-p", time: 100 });
  const stream = run.composeDescriptor({
    name: "primary",
    uid: "desc-p",
    data_keys: { x: { dtype: "number", shape: [], source: "x" } },
  });
  const pages: EventPage[] = [];
  let seq = 0;
  for (const [p, rows] of pageRows.entries()) {
    const seqs = Array.from({ length: rows }, () => ++seq);
    pages.push({
      descriptor: stream.descriptor.uid,
      uid: seqs.map((s) => `ev-${p}-${s}`),
      seq_num: seqs,
      time: seqs.map((s) => 100 + s / 10),
      data: { x: seqs.map((s) => s * 1.5) },
      timestamps: { x: seqs.map((s) => 100 + s / 10) },
    });
  }
  const pairs: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
    ...pages.map((page): DocumentPair => ["event_page", page]),
    ["stop", { ...run.composeStop(), num_events: { primary: stopEvents ?? seq } }],
  ];
  return { pairs, pages };
}

const summary = (pairs: DocumentPair[]) =>
  validateRun(pairs).errors.map((f) => [f.doc_index, f.path, f.rule, f.message]);

describe("event_page checks", () => {
  test("a valid paged run has no finding", () => {
    const report = validateRun(pagedRun([3, 4, 1]).pairs);
    assert.deepEqual([...report.errors, ...report.warnings], []);
  });

  test("columns of another length are reported in column order, with their paths", () => {
    const { pairs, pages } = pagedRun([3]);
    pages[0].seq_num = [1, 2];
    pages[0].time = [1, 2, 3, 4];
    pages[0].timestamps.x = [];
    pages[0].filled = { x: [true] };
    assert.deepEqual(
      summary(pairs).filter((f) => f[2] === "page-length"),
      [
        [2, "seq_num", "page-length", "2 values for a page of 3 rows"],
        [2, "time", "page-length", "4 values for a page of 3 rows"],
        [2, "timestamps.x", "page-length", "0 values for a page of 3 rows"],
        [2, "filled.x", "page-length", "1 values for a page of 3 rows"],
      ],
    );
  });

  test("datum_kwargs columns of another length are reported by their paths", () => {
    const run = composeRun({}, { uid: "run-d", time: 1 });
    const resource = run.composeResource({ spec: "NPY_SEQ", root: "/", resource_path: "a", uid: "res-d" });
    const datumPage = {
      resource: "res-d",
      datum_id: ["res-d/0", "res-d/1"],
      datum_kwargs: { index: [0, 1, 2], frame: [0, 1] },
    };
    const pairs: DocumentPair[] = [
      ["start", run.start],
      ["resource", resource.resource],
      ["datum_page", datumPage],
      ["stop", run.composeStop()],
    ];
    assert.deepEqual(summary(pairs), [
      [2, "datum_kwargs.index", "page-length", "3 values for a page of 2 rows"],
    ]);
  });

  test("repeated uids: within one page and against an earlier page, each naming its first document", () => {
    const { pairs, pages } = pagedRun([3, 3]);
    pages[1].uid[0] = pages[0].uid[2];
    pages[1].uid[2] = pages[1].uid[1];
    assert.deepEqual(summary(pairs), [
      [3, "uid[0]", "duplicate-uid", `uid ${pages[0].uid[2]} is already used (document 2)`],
      [3, "uid[2]", "duplicate-uid", `uid ${pages[1].uid[1]} is already used (document 3)`],
    ]);
  });

  test("a uid of a page repeating a start, a descriptor or a single event's uid", () => {
    const { pairs, pages } = pagedRun([2]);
    pages[0].uid[1] = "desc-p";
    assert.deepEqual(summary(pairs), [
      [2, "uid[1]", "duplicate-uid", "uid desc-p is already used (document 1)"],
    ]);
  });

  test("seq_num slips inside a page are found at their row; the count resyncs after each", () => {
    const { pairs, pages } = pagedRun([4, 4]);
    pages[0].seq_num = [1, 2, 4, 5];
    pages[1].seq_num = [6, 6, 7, 8];
    assert.deepEqual(summary(pairs), [
      [2, "seq_num[2]", "seq_num-gap", 'seq_num 4 in stream "primary" where 3 was expected: 1 missing'],
      [
        3,
        "seq_num[1]",
        "seq_num-repeat",
        'seq_num 6 in stream "primary" where 7 was expected: it repeats or goes back',
      ],
    ]);
  });

  test("rows without a number for seq_num still count as events and leave the count where it was", () => {
    const { pairs, pages } = pagedRun([3, 2], 5);
    pages[0].seq_num = [1, "two", 2] as unknown as number[];
    pages[1].seq_num = [3, 3];
    const report = validateRun(pairs);
    assert.deepEqual(
      report.errors.filter((f) => f.rule.startsWith("seq_num")).map((f) => [f.doc_index, f.path, f.rule]),
      [[3, "seq_num[1]", "seq_num-repeat"]],
    );
    // Five rows were counted, as the stop claims: no num_events warning.
    assert.deepEqual(
      report.warnings.filter((f) => f.rule === "num_events"),
      [],
    );
  });

  test("a page before its descriptor is checked when the descriptor arrives, and counts", () => {
    const { pairs } = pagedRun([2, 2]);
    const early: DocumentPair[] = [pairs[0], pairs[2], pairs[1], pairs[3], pairs[4]];
    const checker = new RunChecker();
    for (const [name, doc] of early) checker.add(name, doc);
    const report = checker.finish();
    assert.deepEqual(
      report.errors.map((f) => [f.doc_index, f.path, f.rule]),
      [[1, "descriptor", "order"]],
    );
    assert.deepEqual(report.warnings, []);
  });
});
