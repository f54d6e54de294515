// The export tests' catalog: a SQLite catalog in a temp dir holding real runs of ../shared/data (the tutorials,
// USAXS, the 4-ID-Polar pack, the databroker-pack with NPY images read through its root_map) plus runs a test
// makes itself, and a temp dir to export into.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments, readPack } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { dataPath } from "../support/sharedData.ts";

export interface ExportCatalog {
  broker: Broker;
  /** A fresh directory for one export (removed at close). */
  directory(): string;
  close(): Promise<void>;
}

export async function exportCatalog(
  sources: readonly string[],
  extra: readonly DocumentPair[][] = [],
): Promise<ExportCatalog> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-export-"));
  const store = await openStore(join(dir, "catalog.sqlite"));
  for (const source of sources) {
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
    for (const run of splitRuns(pairs).runs) await store.put(run.documents);
  }
  for (const documents of extra) await store.put(documents);
  const pack = await readPack(dataPath("databroker-pack", "simple_catalog"));
  const broker = new Broker(store, { rootMap: pack.rootMap });
  let made = 0;
  return {
    broker,
    directory: () => join(dir, `out${made++}`),
    async close() {
      await broker.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
