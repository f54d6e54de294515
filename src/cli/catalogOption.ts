// `--catalog NAME|URI`, the same on every command that opens a catalog: its help names every kind of catalog
// the registry holds when the help is made (storage/catalogs/catalogKinds.ts). The value given (or none) is
// resolved before the command runs (config/commandSettings.ts): a name the configuration file gives a catalog
// opens that catalog, anything else is a URI; the command receives a CatalogChoice.
import type { Command } from "commander";
import type { CatalogChoice } from "../config/catalogResolution.ts";
import { isFederation } from "../storage/catalogs/CatalogSpec.ts";
import { catalogKindsHelp } from "../storage/catalogs/catalogKinds.ts";

export type { CatalogChoice } from "../config/catalogResolution.ts";
export { catalogLabel } from "../storage/catalogs/CatalogSpec.ts";

const DEFAULT_TEXT = "$DATABROKER_CATALOG, else the configuration's default, else ./data/catalog.sqlite";

/** The URI of a single catalog (undefined for a federation, which has none of its own). */
export function catalogUriOf(catalog: CatalogChoice): string | undefined {
  if (typeof catalog === "string") return catalog;
  return isFederation(catalog) ? undefined : catalog.uri;
}

/** What `databroker --help` says about catalogs. */
export function catalogHelp(): string {
  return (
    `Catalogs (--catalog NAME or URI, default ${DEFAULT_TEXT}): a name the configuration file gives ` +
    `(databroker config show), or ${catalogKindsHelp()}.`
  );
}

/** Adds `--catalog <name|uri>`; `purpose` completes "catalog to ..." (list, search, store into, ...). */
export function withCatalogOption(command: Command, purpose: string): Command {
  return command.option(
    "--catalog <name|uri>",
    `catalog to ${purpose}: a configured name, or ${catalogKindsHelp()} (default: ${DEFAULT_TEXT})`,
  );
}
