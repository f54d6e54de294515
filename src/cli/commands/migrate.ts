// `databroker migrate [--catalog URI]`: brings a PostgreSQL catalog's schema to the version this databroker
// reads (the migrations a store also applies when it opens) and prints the version. Other catalog kinds set
// themselves up when opened; for them this opens the catalog once and says so.
import type { Command } from "commander";
import { ValidationError } from "../../errors.ts";
import { openStore } from "../../storage/openStore.ts";
import { redactedUri } from "../../storage/postgres/connectionPool.ts";
import { PostgresStore } from "../../storage/postgres/PostgresStore.ts";
import { type CatalogChoice, catalogLabel, catalogUriOf, withCatalogOption } from "../catalogOption.ts";

function isPostgres(uri: string): boolean {
  return uri.startsWith("postgresql://") || uri.startsWith("postgres://");
}

async function migrateCatalog(catalog: CatalogChoice): Promise<string> {
  const uri = catalogUriOf(catalog);
  if (uri === undefined)
    throw new ValidationError(`${catalogLabel(catalog)} is a federation: migrate each of its catalogs`);
  if (!isPostgres(uri)) {
    await (await openStore(uri)).close();
    return `${redactedUri(uri)}: ready (this kind of catalog sets its schema up when opened)`;
  }
  const { from, to } = await PostgresStore.migrate(uri);
  return from === to
    ? `${redactedUri(uri)}: schema version ${to}, already current`
    : `${redactedUri(uri)}: migrated from schema version ${from} to ${to}`;
}

export function registerMigrate(program: Command): void {
  withCatalogOption(program.command("migrate"), "migrate")
    .description("apply the catalog's pending schema migrations (PostgreSQL) and print its schema version")
    .action(async (options: { catalog: CatalogChoice }) => {
      try {
        console.log(await migrateCatalog(options.catalog));
      } catch (error) {
        // Unreachable servers and refused schemas alike are reported in one line, not as a stack trace.
        console.error(`databroker migrate: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    });
}
