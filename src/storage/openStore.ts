// Opens a catalog named by a URI: `sqlite:///abs/path.db` (or a plain path ending .db/.sqlite), `memory:`,
// `file:///abs/dir` and `postgresql://...` (or postgres://). The default catalog is
// ./data/catalog.sqlite, overridden by the DATABROKER_CATALOG environment variable. A read-only open never
// creates, migrates or writes anything; failures come out as typed errors naming the catalog (catalogErrors.ts).
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UnsupportedError } from "../errors.ts";
import { catalogOpenFailure } from "./catalogErrors.ts";
import { CATALOG_KINDS, defaultCatalogUri } from "./catalogUri.ts";
import { createDirectory } from "./createDirectory.ts";
import { FilesStore } from "./files/FilesStore.ts";
import { MemoryStore } from "./memory/MemoryStore.ts";
import { PostgresStore } from "./postgres/PostgresStore.ts";
import type { Store } from "./Store.ts";
import { SqliteStore } from "./sqlite/SqliteStore.ts";

export { CATALOG_KINDS, DEFAULT_CATALOG, defaultCatalogUri } from "./catalogUri.ts";

export interface OpenOptions {
  /** Open an existing catalog for reading only: nothing is created, migrated or written (puts are refused). */
  readOnly?: boolean;
}

function isSqlitePath(uri: string): boolean {
  return /\.(db|sqlite|sqlite3)$/i.test(uri) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}

function openSqlite(path: string, uri: string, options: OpenOptions): Store {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new UnsupportedError(
      `${uri} is a folder, not a SQLite file (a folder of document files is file:///abs/dir)`,
    );
  // A new catalog's folder is created, as for the default ./data/catalog.sqlite on first start.
  if (!options.readOnly) createDirectory(dirname(path));
  return new SqliteStore(path, uri, options);
}

/**
 * The folder a catalog keeps its own files in (a SQLite file's folder, a files catalog's directory), where
 * its external files may be read from; undefined for catalogs with no folder (memory, PostgreSQL).
 */
export function catalogDirectory(uri: string): string | undefined {
  if (uri.startsWith("sqlite://")) return dirname(uri.slice("sqlite://".length));
  if (isSqlitePath(uri)) return dirname(resolve(uri));
  if (uri.startsWith("file://")) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export async function openStore(
  uri: string = defaultCatalogUri(),
  options: OpenOptions = {},
): Promise<Store> {
  try {
    return await openAdapter(uri, options);
  } catch (error) {
    throw catalogOpenFailure(uri, error);
  }
}

async function openAdapter(uri: string, options: OpenOptions): Promise<Store> {
  if (uri === "memory:" || uri === "memory://") return new MemoryStore();
  if (uri.startsWith("sqlite://")) {
    const path = uri.slice("sqlite://".length);
    if (!path.startsWith("/"))
      throw new UnsupportedError(
        `${uri}: a sqlite URI names an absolute path: sqlite:///abs/path.db (three slashes), or give the plain path`,
      );
    return openSqlite(path, uri, options);
  }
  if (isSqlitePath(uri)) return openSqlite(resolve(uri), uri, options);
  if (uri.startsWith("file://")) return FilesStore.openUri(uri, options);
  if (uri.startsWith("postgresql://") || uri.startsWith("postgres://")) {
    return PostgresStore.open(uri, options.readOnly ? { migrate: false } : {});
  }
  throw new UnsupportedError(`catalog ${JSON.stringify(uri)} is not a catalog URI: use ${CATALOG_KINDS}`);
}
