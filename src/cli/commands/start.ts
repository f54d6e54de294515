// `databroker start` (what `npm start` runs): serves the embedded default catalog (./data/catalog.sqlite, or
// DATABROKER_CATALOG), seeding an empty one with the example runs whose HDF5 files go beside it.
import { resolve } from "node:path";
import type { Command } from "commander";
import { seedExampleRuns } from "../../examples/seedExampleRuns.ts";
import { catalogKindOf, catalogKindsHelp } from "../../storage/catalogs/catalogKinds.ts";
import { sqliteCatalog } from "../../storage/catalogs/sqliteCatalog.ts";
import { catalogDirectory, defaultCatalogUri } from "../../storage/openStore.ts";
import { runServer, withListenOptions } from "./serve.ts";

/** Where the examples' detector files go: beside a catalog file, else ./data. */
export function exampleDataDir(catalog: string): string {
  const folder = catalogKindOf(catalog) === sqliteCatalog ? catalogDirectory(catalog) : undefined;
  return folder ?? resolve("data");
}

export function registerStart(program: Command): void {
  withListenOptions(
    program
      .command("start")
      .description(
        `serve the default catalog (./data/catalog.sqlite or $DATABROKER_CATALOG: ${catalogKindsHelp()}), ` +
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
