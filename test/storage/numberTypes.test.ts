// Number types survive: every reference run, stored in a SQLite catalog and exported as JSON Lines and
// msgpack, reads in Python (json, msgpack) with exactly the types of its source — whole floats stay floats
// (1.0 in a start, float64 event cells) and integers stay integers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { encodeDocuments } from "../../src/documents/formats/index.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { pythonTypeReports } from "../support/pythonTypes.ts";
import { dataPath } from "../support/sharedData.ts";
import { realRuns } from "./realRuns.ts";

describe("number types of exports, as Python reads them", () => {
  const directory = mkdtempSync(join(tmpdir(), "number-types-"));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test("every reference run: JSON Lines and msgpack exports have the source's types", async () => {
    const runs = await realRuns();
    const pairs: Array<[string, string]> = [];
    // A store of its own per run: the tiled-plugin fixtures share uids between files.
    for (const [index, run] of runs.entries()) {
      const store = new SqliteStore(join(directory, `${index}.sqlite`));
      try {
        await store.put(run.documents);
        for (const format of ["jsonl", "msgpack"] as const) {
          const parts: Buffer[] = [];
          for await (const bytes of encodeDocuments(store.documents(run.uid), format)) parts.push(bytes);
          const file = join(directory, `${index}.${format}`);
          writeFileSync(file, Buffer.concat(parts));
          pairs.push([dataPath(run.source), file]);
        }
      } finally {
        await store.close();
      }
    }
    const reports = await pythonTypeReports(pairs);
    assert.equal(reports.length, pairs.length);
    for (const report of reports) {
      assert.ok(report.documents > 0, `${report.export}: no documents`);
      assert.equal(report.matched, report.documents, `${report.export} of ${report.source}`);
      assert.deepEqual(report.differences.slice(0, 5), [], `${report.export} of ${report.source}`);
    }
  });
});
