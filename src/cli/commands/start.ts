// `databroker start` (what `npm start` runs): serves the default catalog (./data/catalog.sqlite, or
// DATABROKER_CATALOG, or the configuration file's default), seeding an empty one with the example runs whose HDF5 files go beside it.
import { resolve } from "node:path";
import type { Command } from "commander";
import { seedExampleRuns } from "../../examples/seedExampleRuns.ts";
import { catalogKindOf, catalogKindsHelp } from "../../storage/catalogs/catalogKinds.ts";
import { sqliteCatalog } from "../../storage/catalogs/sqliteCatalog.ts";
import { catalogDirectory } from "../../storage/openStore.ts";
import { type CatalogChoice, catalogLabel, catalogUriOf } from "../catalogOption.ts";
import { runServer, withListenOptions } from "./serve.ts";

/** Where the examples' detector files go: beside a catalog file, else ./data. */
export function exampleDataDir(catalog: CatalogChoice): string {
  const uri = catalogUriOf(catalog) ?? "";
  const folder = catalogKindOf(uri) === sqliteCatalog ? catalogDirectory(uri) : undefined;
  return folder ?? resolve("data");
}

export function registerStart(program: Command): void {
  withListenOptions(
    program
      .command("start")
      .description(
        `serve the default catalog ($DATABROKER_CATALOG, else the configuration's default, else ./data/catalog.sqlite: ${catalogKindsHelp()}), ` +
          "with example runs on first start",
      ),
  ).action(async (flags) => {
    // The default catalog, resolved before the action as every command's --catalog is (config/commandSettings.ts).
    const catalog: CatalogChoice = flags.catalog;
    // The examples' files go beside the catalog, or in ./data for a catalog with no folder (PostgreSQL).
    const fileRoot = [...(flags.fileRoot ?? []), exampleDataDir(catalog)];
    await runServer(catalog, { ...flags, fileRoot }, async (broker) => {
      const seed = await seedExampleRuns(broker.store, exampleDataDir(catalog));
      if (seed.seeded) console.log(`seeded ${catalogLabel(catalog)} with ${seed.runs.length} example runs`);
    });
  });
}
