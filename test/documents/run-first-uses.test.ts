// The run checker's fast paths judge exactly as the slow ones: the uid set (FirstUses) over many uids, and the
// event key rule checked against the last agreeing event's key order.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { eventKeyProblems, streamKeysOf } from "../../src/documents/run/eventKeys.ts";
import { FirstUses } from "../../src/documents/run/FirstUses.ts";
import { validateRun } from "../../src/documents/run/index.ts";
import type { DataKey, DocumentPair, EventDescriptor, EventPage } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";
import { loadPairs } from "./loadPairs.ts";

describe("FirstUses", () => {
  test("claims each string once and names the document that used it first", () => {
    const uses = new FirstUses();
    assert.equal(uses.claim("a", 0), -1);
    assert.equal(uses.claim("b", 1), -1);
    assert.equal(uses.claim("a", 2), 0);
    assert.equal(uses.claim("a", 3), 0);
    assert.equal(uses.first("b"), 1);
    assert.equal(uses.first("c"), -1);
    assert.equal(uses.has("a"), true);
    assert.equal(uses.has(""), false);
    assert.equal(uses.claim("", 4), -1);
    assert.equal(uses.has(""), true);
    assert.equal(uses.size, 3);
  });

  test("stays exact over 200,000 similar strings, through every growth of its table", () => {
    const uses = new FirstUses();
    const n = 200_000;
    for (let i = 0; i < n; i++) assert.equal(uses.claim(`run-${i}`, i), -1);
    for (let i = 0; i < n; i += 997) assert.equal(uses.claim(`run-${i}`, n + i), i);
    assert.equal(uses.first(`run-${n}`), -1);
    assert.equal(uses.size, n);
  });

  test("strings of any code units: surrogates, NUL, long and one-character ones", () => {
    const values = ["\u0000", "\ud83d\ude00", "\ud83d", "x".repeat(10_000), "é", "e\u0301"];
    const uses = new FirstUses();
    for (const [i, value] of values.entries()) assert.equal(uses.claim(value, i), -1);
    for (const [i, value] of values.entries()) assert.equal(uses.first(value), i);
  });
});

describe("duplicate uids over many pages", () => {
  test("one repeated uid among 300,000 page rows is found, at its row, naming the first document", () => {
    const run = composeRun();
    const x: DataKey = { dtype: "number", shape: [], source: "x" };
    const stream = run.composeDescriptor({ data_keys: { x } });
    const documents: DocumentPair[] = [
      ["start", run.start],
      ["descriptor", stream.descriptor],
    ];
    const rows = 1000;
    for (let p = 0; p < 300; p++) {
      const seq = Array.from({ length: rows }, (_, r) => p * rows + r + 1);
      const page: EventPage = {
        descriptor: stream.descriptor.uid,
        uid: seq.map((s) => `event-${s}`),
        seq_num: seq,
        time: seq.map((s) => run.start.time + s),
        data: { x: seq.map((s) => s / 2) },
        timestamps: { x: seq.map((s) => run.start.time + s) },
      };
      documents.push(["event_page", page]);
    }
    // The last page repeats the uid of the 17th event, which is in document 2 (the first page).
    (documents[documents.length - 1][1] as EventPage).uid[999] = "event-17";
    documents.push(["stop", run.composeStop()]);
    const report = validateRun(documents);
    const duplicates = report.errors.filter((finding) => finding.rule === "duplicate-uid");
    assert.equal(duplicates.length, 1);
    assert.equal(duplicates[0].doc_index, 301);
    assert.equal(duplicates[0].path, "uid[999]");
    assert.match(duplicates[0].message, /event-17 is already used \(document 2\)/);
  });
});

const usaxs = await loadPairs(dataPath("apstools/tests/usaxs.json"));

describe("event keys: the fast path agrees with the full rule", () => {
  const descriptors = usaxs.filter((pair) => pair[0] === "descriptor").map((p) => p[1] as EventDescriptor);
  const described = descriptors.find((d) => Object.keys(d.data_keys).length > 3)!;
  const keys = Object.keys(described.data_keys);
  const values = Object.fromEntries(keys.map((key, i) => [key, i]));
  const without = (record: Record<string, number>, key: string) =>
    Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
  const reversed = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).reverse());

  const variants: Array<
    [string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>?]
  > = [
    ["agreeing", values, values],
    ["keys in another order", reversed(values), values],
    ["both in another order", reversed(values), reversed(values)],
    ["a key missing from data", without(values, keys[1]), without(values, keys[1])],
    ["a key missing from timestamps", values, without(values, keys[0])],
    ["an undeclared key", { ...values, extra: 1 }, { ...values, extra: 1 }],
    ["a timestamp without data", without(values, keys[2]), values],
    ["filled within data", values, values, { [keys[0]]: false }],
    ["filled outside data", values, values, { nowhere: true }],
    ["empty records", {}, {}],
  ];

  for (const [name, data, timestamps, filled] of variants) {
    test(name, () => {
      const cold = streamKeysOf(described.data_keys);
      const warm = streamKeysOf(described.data_keys);
      assert.deepEqual(eventKeyProblems(warm, values, values, undefined), []);
      assert.notEqual(warm.agreed, null);
      const expected = eventKeyProblems(cold, data, timestamps, filled);
      assert.deepEqual(eventKeyProblems(warm, data, timestamps, filled), expected);
      // And once more, now that the warm keys may have learnt this event's order.
      assert.deepEqual(eventKeyProblems(warm, data, timestamps, filled), expected);
    });
  }
});
