// Catalogs for the search/show/table command tests: a SQLite file and a files directory in a temporary
// folder, each holding the same real runs, named by the URIs the commands take.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { openStore } from "../../src/storage/openStore.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-broker-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes the runs into a new SQLite catalog and a new files catalog; returns their URIs. */
export async function cliCatalogs(label: string, runs: DocumentPair[][]): Promise<Record<string, string>> {
  const uris = { sqlite: join(scratch, `${label}.sqlite`), files: `file://${join(scratch, label)}` };
  for (const uri of Object.values(uris)) {
    const store = await openStore(uri);
    for (const documents of runs) await store.put(documents);
    await store.close();
  }
  return uris;
}
