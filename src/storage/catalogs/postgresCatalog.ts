// PostgreSQL catalogs: `postgresql://user@host:port/db` (or postgres://). Opening one migrates its schema; a
// read-only open does not (an empty database is then no catalog) and refuses every write.
import type { CatalogKind } from "./CatalogKind.ts";

export const postgresCatalog: CatalogKind = {
  name: "postgresql",
  help: "postgresql://user@host:port/db",
  recognises: (uri) => uri.startsWith("postgresql://") || uri.startsWith("postgres://"),
  async open(uri, options) {
    const { PostgresStore } = await import("../postgres/PostgresStore.ts");
    return PostgresStore.open(uri, options.readOnly ? { migrate: false, readOnly: true } : {});
  },
};
