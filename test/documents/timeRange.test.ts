// The time-range rule and the safe time formatting: which times are refused (and with which unit hint), on
// every document that carries a time, event by event and in blocks of events read by columns; and how a
// stored time no Date can hold is shown (null, never a thrown "Invalid time value").
import assert from "node:assert/strict";
import { test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { dateOf, isoTimeOf } from "../../src/documents/epochTime.ts";
import { type EventBlock, EventBlockBuilder } from "../../src/documents/formats/eventBlock.ts";
import { RunChecker, validateRun } from "../../src/documents/run/index.ts";
import { END_TIME, FIRST_TIME, isAcceptedTime, timeRangeMessage } from "../../src/documents/run/timeRange.ts";
import type { DocumentPair } from "../../src/documents/types.ts";

function run(events = 3) {
  const composed = composeRun({ plan_name: "count" }, { time: 1.7e9 });
  const stream = composed.composeDescriptor({
    name: "primary",
    data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
  });
  const documents: DocumentPair[] = [
    ["start", composed.start],
    ["descriptor", stream.descriptor],
  ];
  for (let i = 0; i < events; i++)
    documents.push(["event", stream.composeEvent({ data: { x: i }, timestamps: { x: 1.7e9 } })]);
  documents.push(["stop", composed.composeStop({ exit_status: "success" })]);
  return documents;
}

/** `documents` with document `index`'s time replaced. */
function withTime(documents: DocumentPair[], index: number, time: number): DocumentPair[] {
  const copy = documents.map(([name, doc]) => [name, { ...doc }] as DocumentPair);
  (copy[index][1] as { time: number }).time = time;
  return copy;
}

const timeFindings = (documents: DocumentPair[]) =>
  validateRun(documents)
    .errors.filter((finding) => finding.rule === "time-range")
    .map((finding) => [finding.doc_index, finding.name, finding.path]);

test("accepted: seconds within years 1 to 9999, bounds included; refused: the rest, NaN and ±Infinity", () => {
  for (const time of [0, 1.7e9, -1e9, FIRST_TIME, END_TIME - 1, END_TIME - 0.001])
    assert.ok(isAcceptedTime(time), String(time));
  const refused = [FIRST_TIME - 1, END_TIME, 8.64e12 + 1, 1.7e12, 1.7e15, 1.7e18, 1e300, -1e300];
  for (const time of [...refused, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "1"])
    assert.ok(!isAcceptedTime(time), String(time));
});

test("the message names the unit a refused time looks like, and what it would mean", () => {
  assert.match(timeRangeMessage(1.7e12), /looks like milliseconds \(2023-11-14T22:13:20\.000Z\)/);
  assert.match(timeRangeMessage(1.7e15), /looks like microseconds \(2023-11-14T22:13:20\.000Z\)/);
  assert.match(timeRangeMessage(1.7e18), /looks like nanoseconds .*the event model wants seconds/);
  assert.doesNotMatch(timeRangeMessage(1e300), /looks like/);
  assert.match(timeRangeMessage(Number.NaN), /not a finite number/);
});

test("start, stop, descriptor and event times are each checked, at their document", () => {
  const documents = run();
  for (const [index, name] of [
    [0, "start"],
    [1, "descriptor"],
    [2, "event"],
    [5, "stop"],
  ] as const) {
    for (const time of [1.7e18, -1e300, Number.NaN]) {
      assert.deepEqual(timeFindings(withTime(documents, index, time)), [[index, name, "time"]]);
    }
  }
  assert.deepEqual(timeFindings(documents), []);
});

test("an event_page is checked row by row; a bulk_events event by event", () => {
  const documents = run(0);
  const descriptor = documents[1][1] as { uid: string };
  const page = {
    uid: ["a", "b", "c"],
    descriptor: descriptor.uid,
    seq_num: [1, 2, 3],
    time: [1.7e9, 1.7e18, 1e300],
    data: { x: [1, 2, 3] },
    timestamps: { x: [1, 1, 1] },
  };
  const paged: DocumentPair[] = [documents[0], documents[1], ["event_page", page], documents[2]];
  const findings = validateRun(paged).errors.filter((finding) => finding.rule === "time-range");
  // One finding with a count for the repeats (FindingLog), at the first bad row.
  assert.equal(findings.length, 1);
  assert.deepEqual([findings[0].name, findings[0].path], ["event_page", "time[1]"]);
  assert.match(findings[0].message, /and 1 more like it/);
  const bulk = {
    [descriptor.uid]: [
      {
        uid: "e",
        descriptor: descriptor.uid,
        seq_num: 1,
        time: -1e300,
        data: { x: 1 },
        timestamps: { x: 1 },
      },
    ],
  };
  const bulkRun: DocumentPair[] = [documents[0], documents[1], ["bulk_events", bulk], documents[2]];
  assert.deepEqual(timeFindings(bulkRun), [[2, "bulk_events", `${descriptor.uid}[0].time`]]);
});

test("a block of events read by columns is sent back event by event when a time is out of range", () => {
  const documents = run(4);
  const blockOf = (pairs: DocumentPair[]) => {
    const builder = new EventBlockBuilder();
    for (const pair of pairs) assert.ok(builder.add(pair));
    return builder.take() as EventBlock;
  };
  const checkerAfterDescriptor = () => {
    const checker = new RunChecker();
    for (const [name, doc] of documents.slice(0, 2)) checker.add(name, doc);
    return checker;
  };
  const good = checkerAfterDescriptor();
  assert.deepEqual(good.addEventBlock(blockOf(documents.slice(2, 6))), []);
  const bad = checkerAfterDescriptor();
  assert.equal(bad.addEventBlock(blockOf(withTime(documents, 4, 1.7e18).slice(2, 6))), null);
});

test("a stored time is formatted safely: null where no Date holds it", () => {
  assert.equal(isoTimeOf(1.7e9), "2023-11-14T22:13:20.000Z");
  assert.equal(isoTimeOf(8.64e12), "+275760-09-13T00:00:00.000Z");
  for (const time of [8.64e12 + 1, 1.7e18, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, "x", null])
    assert.equal(isoTimeOf(time), null, String(time));
  assert.equal(dateOf(1.7e18), null);
  assert.equal(dateOf(0)?.getTime(), 0);
});
