// `databroker start` (what `npm start` runs): serves the embedded default catalog (./data/catalog.sqlite, or
// DATABROKER_CATALOG), seeding an empty one with the example runs whose HDF5 files go beside it.
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { seedExampleRuns } from "../../server/seed/seedExampleRuns.ts";
import { CATALOG_KINDS, defaultCatalogUri } from "../../storage/openStore.ts";
import { runServer, withListenOptions } from "./serve.ts";

/** Where the examples' detector files go: beside a catalog file, else ./data. */
export function exampleDataDir(catalog: string): string {
  if (catalog.startsWith("sqlite://")) return dirname(catalog.slice("sqlite://".length));
  if (/\.(db|sqlite|sqlite3)$/i.test(catalog) && !catalog.includes("://")) return dirname(resolve(catalog));
  return resolve("data");
}

export function registerStart(program: Command): void {
  withListenOptions(
    program
      .command("start")
      .description(
        `serve the default catalog (./data/catalog.sqlite or $DATABROKER_CATALOG: ${CATALOG_KINDS}), ` +
          "with example runs on first start",
      ),
  ).action(async (flags) => {
    const catalog = defaultCatalogUri();
    // The examples' files go beside the catalog, or in ./data for a catalog with no folder (PostgreSQL).
    const fileRoot = [...(flags.fileRoot ?? []), exampleDataDir(catalog)];
    await runServer(catalog, { ...flags, fileRoot }, async (broker) => {
      const seed = await seedExampleRuns(broker.store, exampleDataDir(catalog));
      if (seed.seeded) console.log(`seeded ${catalog} with ${seed.runs.length} example runs`);
    });
  });
}
