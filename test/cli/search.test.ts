// `databroker search`: a query-language search printed exactly as `ls` prints runs (table or --json), on a
// SQLite and a files catalog of apstools.json's 53 runs; bad queries point at the column.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { DocumentPair, RunStart, RunStop } from "../../src/documents/types.ts";
import { runsOf, streamEvents } from "../broker/catalogs.ts";
import { cliCatalogs } from "./brokerCatalogs.ts";
import { databroker } from "./storageCli.ts";

let runs: DocumentPair[][];
let catalogs: Record<string, string>;

before(async () => {
  runs = await runsOf("apstools/tests/apstools.json");
  catalogs = await cliCatalogs("search", runs);
});

/** What ls --json prints for a run, worked out from its documents. */
function listing(documents: DocumentPair[]) {
  const start = documents[0][1] as RunStart;
  const stop = documents.find(([name]) => name === "stop")?.[1] as RunStop | undefined;
  const streams: Record<string, number> = {};
  for (const [name, doc] of documents) {
    if (name === "descriptor")
      streams[doc.name ?? "primary"] = streamEvents(documents, doc.name ?? "primary").length;
  }
  return {
    uid: start.uid,
    scan_id: start.scan_id ?? null,
    time: start.time,
    plan_name: start.plan_name ?? null,
    streams,
    exit_status: stop?.exit_status ?? null,
  };
}

for (const adapter of ["sqlite", "files"]) {
  describe(`databroker search (${adapter})`, () => {
    test("--json: the matching runs newest first, the same objects ls prints", () => {
      const query = 'plan_name == "count" and (scan_id >= 110 or scan_id == 94)';
      const result = databroker(["search", query, "--catalog", catalogs[adapter], "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const expected = runs
        .filter((documents) => {
          const start = documents[0][1] as RunStart;
          return start.plan_name === "count" && ((start.scan_id ?? 0) >= 110 || start.scan_id === 94);
        })
        .map(listing)
        .sort((a, b) => b.time - a.time || (a.uid < b.uid ? -1 : 1));
      const found = JSON.parse(result.stdout);
      assert.deepEqual(found, expected);
      if (adapter !== "sqlite") return; // (each run of the binary is slow: compare with ls once)
      const everything = JSON.parse(
        databroker(["ls", "--catalog", catalogs[adapter], "--json", "--limit", "100"]).stdout,
      );
      assert.deepEqual(
        found,
        everything.filter((row: { uid: string }) => expected.some((run) => run.uid === row.uid)),
      );
    });
  });
}

test("the table is ls's, limited, saying how many more matched", () => {
  const result = databroker(["search", 'plan_name == "scan"', "--catalog", catalogs.sqlite, "--limit", "3"]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  const header = databroker(["ls", "--catalog", catalogs.sqlite, "--limit", "1"]).stdout.split("\n")[0];
  assert.equal(lines[0], header);
  assert.equal(lines.length, 5);
  const scans = runs.filter((documents) => (documents[0][1] as RunStart).plan_name === "scan").length;
  assert.equal(lines[4], `(${scans - 3} more; use --limit)`);
  for (const line of lines.slice(1, 4)) assert.match(line, /\sscan\s+primary:\d+\s+success$/);
});

test("a query that does not parse is exit 1 with the column pointed at", () => {
  const result = databroker(["search", "plan_name == ", "--catalog", catalogs.sqlite]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^databroker search: .*column 14/);
  assert.match(result.stderr, /\n {2}plan_name == \n {15}\^/);
});

describe("fuzzy search and did you mean", () => {
  const uidsWith = (key: string, value: string) =>
    runs
      .map((documents) => documents[0][1] as RunStart)
      .filter((start) => (start as Record<string, unknown>)[key] === value)
      .map((start) => start.uid);

  test('~"..." lists a run holding the misspelled value first', () => {
    const result = databroker(["search", '~"watr blnk"', "--catalog", catalogs.sqlite, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const found = JSON.parse(result.stdout) as Array<{ uid: string }>;
    assert.ok(uidsWith("Sample_Name", "Water Blank").includes(found[0].uid));
  });

  test("an empty search by a misspelled value suggests the close one on stderr, exit status 0", () => {
    const result = databroker([
      "search",
      'Sample_Name == "Watr Blank"',
      "--catalog",
      catalogs.sqlite,
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
    assert.equal(result.stderr.trim(), 'no runs match; did you mean Sample_Name == "Water Blank"?');
    const nothingClose = databroker(["search", 'Sample_Name == "zzyzx"', "--catalog", catalogs.sqlite]);
    assert.equal(nothingClose.code, 0);
    assert.equal(nothingClose.stderr, "");
  });
});
