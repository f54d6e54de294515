// Run validation on every reference data set: every run is valid, and the warnings are exactly the messy
// spots the data holds, found here independently by looking at the documents themselves.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { type RunReport, validateRun, validateRuns } from "../../src/documents/run/index.ts";
import type {
  DataKey,
  DocumentPair,
  Event,
  EventDescriptor,
  EventPage,
  RunStop,
} from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";
import { loadPairs } from "./loadPairs.ts";

const INPUTS = [
  "apstools/tests/apstools.json",
  "apstools/tests/usaxs.json",
  "apstools/callbacks-tests",
  "apstools/440_specwriter_problem_run",
  "bluesky-tutorials/example_data",
  "databroker-pack/simple_catalog",
  "databroker-pack/another_simple_catalog",
];

const docsOf = <T>(pairs: DocumentPair[], name: string) =>
  pairs.filter((pair) => pair[0] === name).map((pair) => pair[1] as T);

/** `uid:rule` of every warning the documents call for, found without the checker. */
function expectedWarnings(pairs: DocumentPair[]): string[] {
  const starts = docsOf<{ uid: string }>(pairs, "start");
  const stops = docsOf<RunStop>(pairs, "stop");
  const descriptors = docsOf<EventDescriptor>(pairs, "descriptor");
  const resources = docsOf<{ run_start?: string }>(pairs, "resource");
  const streamResources = docsOf<{ run_start?: string; data_key: string }>(pairs, "stream_resource");
  // A resource without run_start (older data) belongs to the run whose start last came before it.
  const startBefore = new Map<unknown, string>();
  let current = "";
  for (const [name, doc] of pairs) {
    if (name === "start") current = doc.uid;
    startBefore.set(doc, current);
  }
  const belongs = (doc: { run_start?: string }, uid: string) =>
    (doc.run_start ?? startBefore.get(doc)) === uid;
  const warnings: string[] = [];
  for (const { uid } of starts) {
    const mine = descriptors.filter((descriptor) => descriptor.run_start === uid);
    const stop = stops.find((doc) => doc.run_start === uid);
    if (!stop) warnings.push(`${uid}:stop-missing`);
    if (mine.length === 0) warnings.push(`${uid}:descriptor-missing`);
    if (stop && stop.exit_status !== "success") warnings.push(`${uid}:exit-status`);
    if (stop?.num_events) {
      const counted = new Map<string, number>();
      for (const [name, doc] of pairs) {
        const descriptor = name.startsWith("event") && mine.find((d) => d.uid === (doc as Event).descriptor);
        if (!descriptor) continue;
        const rows = name === "event_page" ? (doc as EventPage).uid.length : 1;
        const stream = descriptor.name ?? "primary";
        counted.set(stream, (counted.get(stream) ?? 0) + rows);
      }
      for (const stream of new Set([...Object.keys(stop.num_events), ...counted.keys()])) {
        if ((stop.num_events[stream] ?? 0) !== (counted.get(stream) ?? 0)) warnings.push(`${uid}:num_events`);
      }
    }
    const hasResource = resources.some((resource) => belongs(resource, uid));
    const streams = new Map<string, number>();
    for (const descriptor of mine) {
      const stream = descriptor.name ?? "primary";
      streams.set(stream, (streams.get(stream) ?? 0) + 1);
      if (streams.get(stream)! > 1) warnings.push(`${uid}:multiple-descriptors`);
      for (const [key, dataKey] of Object.entries<DataKey>(descriptor.data_keys)) {
        const backed =
          hasResource ||
          streamResources.some((resource) => belongs(resource, uid) && resource.data_key === key);
        if (dataKey.external !== undefined && !backed) warnings.push(`${uid}:external-without-resource`);
      }
    }
  }
  return warnings.sort();
}

function warningsOf(reports: RunReport[]): string[] {
  return reports
    .flatMap((report) => report.warnings.map((warning) => `${report.uid}:${warning.rule}`))
    .sort();
}

const data = new Map<string, DocumentPair[]>();
for (const input of INPUTS) data.set(input, await loadPairs(dataPath(input)));

// The bluesky-tiled-plugins fixtures are templates: each file gets its own uuid (as their own tests do),
// written to a temporary directory that is then read as one stream of four runs.
const TILED = "bluesky-tiled-plugins-examples (templated)";
const templated = mkdtempSync(join(tmpdir(), "databroker-run-validation-"));
for (const file of readdirSync(dataPath("bluesky-tiled-plugins-examples")).filter((f) =>
  f.endsWith(".json"),
)) {
  const text = readFileSync(dataPath("bluesky-tiled-plugins-examples", file), "utf8");
  const filled = text.replaceAll("{{ uuid }}", randomUUID()).replaceAll("{{ root_path }}", templated);
  writeFileSync(join(templated, file), filled);
}
data.set(TILED, await loadPairs(templated));
INPUTS.push(TILED);
after(() => rmSync(templated, { recursive: true, force: true }));

describe("every reference data set", () => {
  for (const input of INPUTS) {
    test(`${input}: every run valid, warnings exactly where the data is messy`, () => {
      const pairs = data.get(input)!;
      const reports = validateRuns(pairs);
      const starts = docsOf<{ uid: string }>(pairs, "start").map((start) => start.uid);
      assert.ok(starts.length > 0);
      assert.deepEqual(
        reports.map((report) => report.uid),
        starts,
      );
      for (const report of reports) assert.deepEqual(report.errors, [], `run ${report.uid}`);
      assert.ok(reports.every((report) => report.valid));
      assert.deepEqual(warningsOf(reports), expectedWarnings(pairs));
    });
  }

  test("the messy spots the brief names are reported where they are", () => {
    const apstools = validateRuns(data.get("apstools/tests/apstools.json")!);
    assert.equal(apstools.length, 53);
    const byUid = (prefix: string) => apstools.find((report) => report.uid?.startsWith(prefix))!;
    assert.deepEqual(
      byUid("49dce8d9").warnings.map((w) => [w.doc_index, w.name, w.path, w.rule]),
      [
        [1, "descriptor", "data_keys.adsimdet_image.external", "external-without-resource"],
        [undefined, "stop", "", "stop-missing"],
      ],
    );
    assert.deepEqual(
      byUid("3e89a55c").warnings.map((w) => w.rule),
      ["num_events", "descriptor-missing"],
    );
    const failed = data.get("apstools/callbacks-tests")!;
    const tuneAr = validateRuns(failed).find((report) =>
      report.warnings.some((w) => w.rule === "exit-status"),
    )!;
    const start = failed.find((pair) => pair[0] === "start" && pair[1].uid === tuneAr.uid)![1];
    assert.equal((start as { plan_name?: string }).plan_name, "tune_ar");
    assert.match(tuneAr.warnings[0].message, /"fail"/);
  });
});

describe("datum references in real runs", () => {
  // A tutorial run whose 25 event pages reference an image through datum pages.
  const newton = () =>
    data.get("bluesky-tutorials/example_data")!.filter(inRun("17edf994-bcbe-4113-840b-3ccebb1dfdbe"));

  function inRun(uid: string) {
    // The tutorial files hold one run each; this one's documents are the ones after its start and up to its stop.
    let inside = false;
    return (pair: DocumentPair) => {
      if (pair[0] === "start") inside = pair[1].uid === uid;
      const keep = inside;
      if (pair[0] === "stop" && inside) inside = false;
      return keep;
    };
  }

  test("the run is valid as recorded", () => {
    const pairs = newton();
    assert.equal(pairs.filter((pair) => pair[0] === "datum_page").length, 25);
    assert.deepEqual(validateRun(pairs).errors, []);
  });

  test("without its datum pages, the unfilled image values name no datum (one warning, counted)", () => {
    const pairs = newton().filter((pair) => pair[0] !== "datum_page");
    const report = validateRun(pairs);
    assert.equal(report.valid, true);
    assert.deepEqual(
      report.warnings.map((w) => [w.name, w.path, w.rule]),
      [["event_page", "data.ns_image[0]", "datum-unresolved"]],
    );
    assert.match(report.warnings[0].message, /\(and 24 more like it\)$/);
  });

  test("with the resource moved to the end, every datum page is out of order", () => {
    const pairs = newton();
    const at = pairs.findIndex((pair) => pair[0] === "resource");
    const [resource] = pairs.splice(at, 1);
    pairs.splice(pairs.length - 1, 0, resource);
    const report = validateRun(pairs);
    assert.deepEqual(
      report.errors.map((e) => [e.doc_index, e.name, e.path, e.rule]),
      [[pairs.findIndex((pair) => pair[0] === "datum_page"), "datum_page", "resource", "order"]],
    );
    assert.match(report.errors[0].message, /\(and 24 more like it\)$/);
  });
});
