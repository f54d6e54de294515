// indexFields, the work of `databroker index`, as a library call on every kind of catalog (memory, SQLite,
// PostgreSQL) over the bluesky-tiled-plugins fixtures with real HDF5 and TIFF files written by python3
// (test/cli/detectorCatalog.ts): progress counts fields and runs, stopping keeps what was committed and the
// next job does only the rest, and what is stored agrees with numpy on the same files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { type IndexProgress, indexFields } from "../../src/broker/indexFields.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { detectorRuns } from "../cli/detectorCatalog.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-index-fields-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const CATALOGS: Array<[string, (dir: string) => Promise<Store>]> = [
  ["memory", async () => new MemoryStore()],
  ["SQLite", (dir) => openStore(join(dir, "catalog.sqlite"))],
  ["PostgreSQL", async () => openStore(await (await sharedPostgres()).createDatabase())],
];

for (const [name, open] of CATALOGS) {
  describe(`indexFields on ${name}`, () => {
    test("stopped after its first field, it commits what it read; the next job does the rest and numpy agrees", async () => {
      const dir = mkdtempSync(join(scratch, "run-"));
      const made = detectorRuns(dir, 2);
      const store = await open(dir);
      const broker = new Broker(store, { fileRoots: [made.files] });
      try {
        for (const source of made.sources) {
          const documents: DocumentPair[] = [];
          for await (const pair of readDocuments(source)) documents.push(pair);
          await store.put(documents);
        }
        const query = parseQuery("primary.det-key2.max > 1");
        await assert.rejects(broker.search(query).count(), /not indexed yet/);

        // Stopped once the first field is read: the descriptor commits what it has, that field.
        const stopping = new AbortController();
        const seen: IndexProgress[] = [];
        const first = await indexFields(broker, {
          signal: stopping.signal,
          onProgress: (progress) => {
            seen.push({ ...progress });
            if (progress.fieldsDone === 1) stopping.abort();
          },
        });
        assert.deepEqual(seen[0], { runs: 3, runsDone: 0, fields: 5, fieldsDone: 0 });
        assert.deepEqual(
          { ...first, failed: first.failed.length },
          {
            runs: 3,
            fields: 5,
            indexed: 1,
            failed: 0,
            stopped: true,
          },
        );
        assert.equal((await store.unindexedFields()).length, 4);

        const rest = await indexFields(broker);
        assert.deepEqual(rest, { runs: 3, fields: 4, indexed: 4, failed: [], stopped: false });
        assert.deepEqual(await store.unindexedFields(), []);
        assert.equal(await broker.search(query).count(), 3);
        const { max, sumMax } = made.expected["det-key2"];
        assert.equal(await broker.search(parseQuery(`primary.det-key2.max == ${max}`)).count(), 3);
        assert.equal(await broker.search(parseQuery(`primary.det-key2.sum >= ${sumMax}`)).count(), 3);
        assert.equal(await broker.search(parseQuery(`primary.det-key2.sum > ${sumMax}`)).count(), 0);
        const det3 = (await broker.fields()).find((row) => row.field === "det-key3")!;
        assert.deepEqual(
          [det3.min, det3.max, det3.shape],
          [made.expected["det-key3"].min, made.expected["det-key3"].max, made.expected["det-key3"].shape],
        );
        assert.deepEqual(await indexFields(broker), {
          runs: 0,
          fields: 0,
          indexed: 0,
          failed: [],
          stopped: false,
        });
      } finally {
        await broker.close();
        await store.close();
      }
    });
  });
}
