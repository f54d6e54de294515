// The run checker's fast paths judge exactly as the slow ones: the uid set (FirstUses) over many uids, and the
// event key rule checked against the last agreeing event's key order.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import { eventKeyProblems, streamKeysOf } from "../../src/documents/run/eventKeys.ts";
import { FirstUses, hashOf } from "../../src/documents/run/FirstUses.ts";
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

  test("strings whose hashes collide stay apart (compared as strings on a hash match)", () => {
    // Among 300,000 strings some pairs share all 32 bits of their hash; find them.
    const byHash = new Map<number, string>();
    const colliding: Array<[string, string]> = [];
    for (let i = 0; i < 300_000; i++) {
      const value = `key-${i}`;
      const other = byHash.get(hashOf(value));
      if (other !== undefined) colliding.push([other, value]);
      else byHash.set(hashOf(value), value);
    }
    assert.ok(colliding.length > 0, "no full hash collision found");
    const uses = new FirstUses();
    for (const [i, [a, b]] of colliding.entries()) {
      assert.equal(uses.claim(a, 2 * i), -1);
      assert.equal(uses.claim(b, 2 * i + 1), -1);
    }
    for (const [i, [a, b]] of colliding.entries()) {
      assert.equal(uses.first(a), 2 * i);
      assert.equal(uses.first(b), 2 * i + 1);
    }
    assert.equal(uses.size, 2 * colliding.length);
  });

  test("claimAll: repeats within one page and against earlier pages, values that are not strings", () => {
    const uses = new FirstUses();
    const seen: Array<[number, number]> = [];
    const note = (j: number, first: number) => seen.push([j, first]);
    uses.claimAll(["a", "b", "c"], 4, note);
    assert.deepEqual(seen, []);
    uses.claimAll(["d", "a", 7, "d", null, "e", "c", "d"], 9, note);
    // "a" and "c" came in document 4; "d" twice more in this very page, first used by document 9.
    assert.deepEqual(seen, [
      [1, 4],
      [3, 9],
      [6, 4],
      [7, 9],
    ]);
    assert.equal(uses.size, 5);
    assert.equal(uses.first("e"), 9);
    assert.equal(uses.first("b"), 4);
    assert.equal(uses.claim("e", 12), 9);
    assert.equal(uses.has("7"), false);
  });

  test("claimAll over pages larger than the table grows it once and stays exact", () => {
    const uses = new FirstUses();
    const page = Array.from({ length: 50_000 }, (_, i) => `${"p".repeat(40)}-${i}`);
    const repeats: number[] = [];
    uses.claimAll(page, 1, (j) => repeats.push(j));
    uses.claimAll([...page.slice(0, 3), "new"], 2, (j, first) => repeats.push(j, first));
    assert.deepEqual(repeats, [0, 1, 1, 1, 2, 1]);
    assert.equal(uses.size, 50_001);
    for (let i = 0; i < page.length; i += 499) assert.equal(uses.first(page[i]), 1);
    assert.equal(uses.first("new"), 2);
  });

  test("hashes of uids that share long prefixes or suffixes spread over every low bit", () => {
    const run = "0d6f3c1e-8f6e-4a57-9a39-5b0f4c3f2d10";
    for (const make of [(i: number) => `${run}-${i}`, (i: number) => `${i}-${run}`]) {
      const buckets = new Int32Array(1 << 12);
      const n = 1 << 16;
      for (let i = 0; i < n; i++) buckets[hashOf(make(i)) & (buckets.length - 1)]++;
      // 16 a bucket on average; a hash that ignored the differing units would pile them into a few.
      assert.ok(Math.max(...buckets) < 48, `fullest bucket holds ${Math.max(...buckets)}`);
    }
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
