// Number types survive over HTTP: the metadata of every reference run, answered as JSON and as msgpack (what
// the Python client asks for), its documents as json-seq, and its primary stream as a JSON table read in
// Python with exactly the types of the source.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { type RealRun, realRuns } from "../storage/realRuns.ts";
import { pythonTypeReports } from "../support/pythonTypes.ts";
import { dataPath } from "../support/sharedData.ts";

describe("number types of HTTP answers, as Python reads them", () => {
  const directory = mkdtempSync(join(tmpdir(), "http-number-types-"));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test("every reference run: metadata (JSON, msgpack), documents (json-seq), primary table (JSON) have the source's types", async () => {
    const runs = await realRuns();
    // The tiled-plugin fixtures share uids between files: each gets a catalog of its own.
    const catalogs: RealRun[][] = [
      runs.filter((run) => !run.isolated),
      ...runs.filter((run) => run.isolated).map((run) => [run]),
    ];
    const pairs: Array<[string, string]> = [];
    for (const catalog of catalogs) {
      const store = new MemoryStore();
      for (const run of catalog) await store.put(run.documents);
      const broker = new Broker(store);
      const app = await createServer({ broker, auth: { public: true }, logger: false });
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      try {
        for (const run of catalog) {
          for (const [format, accept] of [
            ["json", "application/json"],
            ["msgpack", "application/x-msgpack"],
          ]) {
            const answer = await fetch(`${base}/api/v1/metadata/${run.uid}`, { headers: { accept } });
            assert.equal(answer.status, 200);
            assert.equal(answer.headers.get("content-type"), accept);
            const file = join(directory, `${pairs.length}.metadata.${format}`);
            writeFileSync(file, Buffer.from(await answer.arrayBuffer()));
            pairs.push([dataPath(run.source), file]);
          }
          const documents = await fetch(`${base}/api/v1/documents/${run.uid}`);
          assert.equal(documents.status, 200);
          const seq = join(directory, `${pairs.length}.documents.jsonl`);
          writeFileSync(seq, Buffer.from(await documents.arrayBuffer()));
          pairs.push([dataPath(run.source), seq]);
          const table = await fetch(
            `${base}/api/v1/table/full/${run.uid}/primary/data?format=json&fill=false`,
          );
          if (table.status === 404) continue; // no primary stream
          assert.equal(table.status, 200, await table.clone().text());
          const columns = join(directory, `${pairs.length}.table.primary.${run.uid}.json`);
          writeFileSync(columns, Buffer.from(await table.arrayBuffer()));
          pairs.push([dataPath(run.source), columns]);
        }
      } finally {
        await app.close();
        await broker.close();
      }
    }
    const reports = await pythonTypeReports(pairs);
    assert.equal(reports.length, pairs.length);
    assert.ok(reports.filter((report) => report.export.includes(".table.")).length > 50);
    for (const report of reports) {
      const isTable = report.export.includes(".table.");
      if (!isTable) assert.ok(report.matched > 0, `${report.export}: no start`);
      assert.equal(report.matched, report.documents, `${report.export} of ${report.source}`);
      assert.deepEqual(report.differences.slice(0, 5), [], `${report.export} of ${report.source}`);
    }
  });
});
