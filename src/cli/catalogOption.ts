// `--catalog URI`, the same on every command that opens a catalog: its help names every kind of catalog.
import type { Command } from "commander";
import { CATALOG_KINDS, defaultCatalogUri } from "../storage/catalogUri.ts";

/** What `databroker --help` says about catalogs. */
export const CATALOG_HELP = `Catalogs (--catalog URI, default $DATABROKER_CATALOG or ./data/catalog.sqlite): ${CATALOG_KINDS}.`;

/** Adds `--catalog <uri>`; `purpose` completes "catalog to ..." (list, search, store into, ...). */
export function withCatalogOption(command: Command, purpose: string): Command {
  return command.option(
    "--catalog <uri>",
    `catalog to ${purpose}: ${CATALOG_KINDS} (default: $DATABROKER_CATALOG, else ./data/catalog.sqlite)`,
    defaultCatalogUri(),
  );
}
