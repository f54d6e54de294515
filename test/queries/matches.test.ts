// What each query means, pinned on small hand-made runs in memory (the property test then holds every
// adapter to these meanings): absent keys, JSON types, contains, like, regex, full text, descriptors keys,
// and the duplicate rules of scan_id and partial uid within their scope.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnsupportedError, ValidationError } from "../../src/errors.ts";
import {
  and,
  filterRuns,
  fullText,
  key,
  matches,
  not,
  or,
  partialUid,
  type Query,
  type RunMetadata,
  scanId,
  scanIdRange,
} from "../../src/queries/index.ts";

function run(uid: string, start: Record<string, unknown>, extra: Partial<RunMetadata> = {}): RunMetadata {
  return { start: { uid, time: 100, ...start }, stop: null, ...extra };
}

const runs: RunMetadata[] = [
  run("aaaaa-1", { plan_name: "scan", detectors: ["det", "I0"], sample: "Ni foil", scan_id: 1, time: 10 }),
  run(
    "aaaaa-2",
    { plan_name: "count", detectors: [], sample: "NiO_x%", scan_id: 2, time: 20, note: "Ångström Café" },
    {
      stop: { exit_status: "success" },
      descriptors: [
        { name: "primary", configuration: { det: { data: { det_exposure_time: 0.1 } } } },
        { name: "baseline", data_keys: { det: { units: "counts" } } },
      ],
    },
  ),
  run("bbbbb-3", {
    plan_name: "Scan",
    detectors: "det,I0",
    sample: "ni foil",
    scan_id: 2,
    time: 30,
    operator: null,
  }),
  run(
    "bbbbb-4",
    { plan_name: ["scan"], scan_id: 2, time: 30, nested: { a: [1, { b: 2 }] } },
    { stop: { exit_status: "abort" } },
  ),
  run("ccccc-5", { plan_name: 5, scan_id: 3.5, time: 40, flag: true }),
];

function uidsOf(query: Query): string[] {
  return filterRuns(query, runs).map((found) => (found.start as { uid: string }).uid);
}

describe("matches", () => {
  it("compares JSON values with their type", () => {
    assert.deepEqual(uidsOf(key("plan_name").eq("scan")), ["aaaaa-1"]);
    assert.deepEqual(uidsOf(key("plan_name").eq(["scan"])), ["bbbbb-4"]);
    assert.deepEqual(uidsOf(key("plan_name").eq(5)), ["ccccc-5"]);
    assert.deepEqual(uidsOf(key("flag").eq(1)), []);
    assert.deepEqual(uidsOf(key("operator").eq(null)), ["bbbbb-3"]);
    assert.deepEqual(uidsOf(key("nested").eq({ a: [1, { b: 2 }] })), ["bbbbb-4"]);
    assert.deepEqual(uidsOf(key("plan_name").gt("S")), ["aaaaa-1", "aaaaa-2", "bbbbb-3"]);
    assert.deepEqual(uidsOf(key("scan_id").ge(2)), ["aaaaa-2", "bbbbb-3", "bbbbb-4", "ccccc-5"]);
    assert.deepEqual(uidsOf(key("plan_name").in(["count", 5])), ["aaaaa-2", "ccccc-5"]);
  });

  it("takes runs without the key for not(eq) but not for notEq / notIn", () => {
    assert.deepEqual(uidsOf(key("operator").ne("x")), ["bbbbb-3"]);
    assert.deepEqual(
      uidsOf(not(key("operator").eq("x"))),
      runs.map((r) => (r.start as { uid: string }).uid),
    );
    assert.deepEqual(uidsOf(key("sample").notIn(["Ni foil", "ni foil"])), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("operator").exists()), ["bbbbb-3"]);
    assert.deepEqual(uidsOf(key("sample").missing()), ["bbbbb-4", "ccccc-5"]);
  });

  it("contains: list membership for arrays, substring for strings", () => {
    assert.deepEqual(uidsOf(key("detectors").contains("det")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(key("detectors").contains("I0")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(key("detectors").contains("de")), ["bbbbb-3"]);
    assert.deepEqual(uidsOf(key("nested.a").contains({ b: 2 })), ["bbbbb-4"]);
    assert.deepEqual(uidsOf(key("plan_name").contains(5)), []);
    assert.deepEqual(uidsOf(key("sample").contains("")), ["aaaaa-1", "aaaaa-2", "bbbbb-3"]);
  });

  it("like: the whole string, case-sensitive, with escapes", () => {
    assert.deepEqual(uidsOf(key("sample").like("Ni%")), ["aaaaa-1", "aaaaa-2"]);
    assert.deepEqual(uidsOf(key("sample").like("%foil")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(key("sample").like("Ni")), []);
    assert.deepEqual(uidsOf(key("sample").like("Ni_ foil")), []);
    assert.deepEqual(uidsOf(key("sample").like("N_ foil")), ["aaaaa-1"]);
    assert.deepEqual(uidsOf(key("sample").like("%\\_x\\%")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("sample").like("%_x%")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("note").like("_ngstr_m Caf_")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("plan_name").like("%")), ["aaaaa-1", "aaaaa-2", "bbbbb-3"]);
  });

  it("regex: a search, case-sensitive unless asked", () => {
    assert.deepEqual(uidsOf(key("sample").regex("foil")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(key("sample").regex("^Ni")), ["aaaaa-1", "aaaaa-2"]);
    assert.deepEqual(uidsOf(key("sample").regex("^ni", { caseSensitive: false })), [
      "aaaaa-1",
      "aaaaa-2",
      "bbbbb-3",
    ]);
    assert.deepEqual(uidsOf(key("plan_name").regex("5")), []);
  });

  it("full text: every word, whole words, case and accents ignored", () => {
    assert.deepEqual(uidsOf(fullText("ni")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(fullText("NI FOIL")), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(fullText("foil count")), []);
    assert.deepEqual(uidsOf(fullText("angstrom cafe")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(fullText("fo")), []);
    // Strings only: numbers and keys are not text.
    assert.deepEqual(uidsOf(fullText("sample")), []);
  });

  it("reaches stop keys, and any descriptor for descriptors keys", () => {
    assert.deepEqual(uidsOf(key("stop.exit_status").eq("success")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("stop.exit_status").exists()), ["aaaaa-2", "bbbbb-4"]);
    assert.deepEqual(uidsOf(key("descriptors.configuration.det.data.det_exposure_time").eq(0.1)), [
      "aaaaa-2",
    ]);
    assert.deepEqual(uidsOf(key("descriptors.data_keys.det.units").eq("counts")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("descriptors.name").eq("baseline")), ["aaaaa-2"]);
    // notEq holds when some descriptor has the key with another value.
    assert.deepEqual(uidsOf(key("descriptors.name").ne("baseline")), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(key("descriptors.data_keys").missing()), [
      "aaaaa-1",
      "bbbbb-3",
      "bbbbb-4",
      "ccccc-5",
    ]);
  });

  it("scan_id duplicates: the newest by time, ties to the smaller uid; all; or an error", () => {
    assert.deepEqual(uidsOf(scanId(2)), ["bbbbb-3"]);
    assert.deepEqual(uidsOf(scanId([1, 2])), ["aaaaa-1", "bbbbb-3"]);
    assert.deepEqual(uidsOf(scanId(2, { duplicates: "all" })), ["aaaaa-2", "bbbbb-3", "bbbbb-4"]);
    assert.throws(() => uidsOf(scanId(2, { duplicates: "error" })), {
      name: "ValidationError",
      message: /several runs share scan_id 2/,
    });
    assert.deepEqual(uidsOf(scanId(1, { duplicates: "error" })), ["aaaaa-1"]);
    assert.deepEqual(uidsOf(scanIdRange(2, 4)), ["bbbbb-3", "ccccc-5"]);
    assert.deepEqual(uidsOf(scanIdRange(2, 3, { duplicates: "all" })), ["aaaaa-2", "bbbbb-3", "bbbbb-4"]);
  });

  it("resolves duplicates within the scope of the enclosing and", () => {
    // Among runs with an exit status, the newest with scan_id 2 is bbbbb-4 (bbbbb-3 has no stop).
    assert.deepEqual(uidsOf(and(key("stop.exit_status").exists(), scanId(2))), ["bbbbb-4"]);
    assert.deepEqual(uidsOf(and(key("plan_name").eq("count"), scanId(2))), ["aaaaa-2"]);
    assert.deepEqual(uidsOf(and(key("plan_name").eq("count"), scanId(2, { duplicates: "error" }))), [
      "aaaaa-2",
    ]);
    // Under or, the scope is the enclosing and only.
    assert.deepEqual(uidsOf(and(key("plan_name").eq("count"), or(scanId(2), key("scan_id").eq(1)))), [
      "aaaaa-2",
    ]);
    // not(latest) keeps the older duplicates of the scope.
    assert.deepEqual(uidsOf(and(key("scan_id").eq(2), not(scanId(2)))), ["aaaaa-2", "bbbbb-4"]);
  });

  it("partial uids: prefixes, ambiguous ones an error naming the matches", () => {
    assert.deepEqual(uidsOf(partialUid("ccccc")), ["ccccc-5"]);
    assert.deepEqual(uidsOf(partialUid("aaaaa-1", "ccccc")), ["aaaaa-1", "ccccc-5"]);
    assert.deepEqual(uidsOf(partialUid("ddddd")), []);
    assert.throws(
      () => uidsOf(partialUid("aaaaa")),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.match(error.message, /partial uid aaaaa is ambiguous: it matches aaaaa-1, aaaaa-2/);
        return true;
      },
    );
    assert.deepEqual(uidsOf(and(key("plan_name").eq("count"), partialUid("aaaaa"))), ["aaaaa-2"]);
  });

  it("asks for the other runs when a duplicate rule needs them", () => {
    assert.throws(() => matches(scanId(2), runs[2]), UnsupportedError);
    assert.equal(matches(scanId(2), runs[2], runs), true);
    assert.equal(matches(scanId(2, { duplicates: "all" }), runs[1]), true);
  });
});
