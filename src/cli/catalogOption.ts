// `--catalog URI`, the same on every command that opens a catalog: its help names every kind of catalog the
// registry holds when the help is made (storage/catalogs/catalogKinds.ts).
import type { Command } from "commander";
import { catalogKindsHelp } from "../storage/catalogs/catalogKinds.ts";
import { defaultCatalogUri } from "../storage/catalogUri.ts";

/** What `databroker --help` says about catalogs. */
export function catalogHelp(): string {
  return `Catalogs (--catalog URI, default $DATABROKER_CATALOG or ./data/catalog.sqlite): ${catalogKindsHelp()}.`;
}

/** Adds `--catalog <uri>`; `purpose` completes "catalog to ..." (list, search, store into, ...). */
export function withCatalogOption(command: Command, purpose: string): Command {
  return command.option(
    "--catalog <uri>",
    `catalog to ${purpose}: ${catalogKindsHelp()} (default: $DATABROKER_CATALOG, else ./data/catalog.sqlite)`,
    defaultCatalogUri(),
  );
}
