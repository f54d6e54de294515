// The CLI export tests' catalog: the 10 USAXS runs of apstools' usaxs.json in a SQLite file of a scratch
// folder that goes at the end of the test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { type RealRun, realRuns } from "../storage/realRuns.ts";

export interface UsaxsCatalog {
  scratch: string;
  catalog: string;
  /** The runs stored, filled in before the tests run. */
  runs: RealRun[];
}

export function usaxsCatalog(name: string): UsaxsCatalog {
  const scratch = mkdtempSync(join(tmpdir(), `databroker-${name}-`));
  const state: UsaxsCatalog = { scratch, catalog: join(scratch, "catalog.sqlite"), runs: [] };
  after(() => rmSync(scratch, { recursive: true, force: true }));
  before(async () => {
    state.runs = (await realRuns()).filter((run) => run.source.endsWith("usaxs.json"));
    const store = new SqliteStore(state.catalog);
    for (const run of state.runs) await store.put(run.documents);
    await store.close();
  });
  return state;
}
