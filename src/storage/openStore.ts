// Opens a catalog named by a URI: `sqlite:///abs/path.db` (or a plain path ending .db/.sqlite), `memory:`,
// `file:///abs/dir` and `postgresql://...` (or postgres://). The default catalog is
// ./data/catalog.sqlite, overridden by the DATABROKER_CATALOG environment variable.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UnsupportedError } from "../errors.ts";
import { FilesStore } from "./files/FilesStore.ts";
import { MemoryStore } from "./memory/MemoryStore.ts";
import { PostgresStore } from "./postgres/PostgresStore.ts";
import type { Store } from "./Store.ts";
import { SqliteStore } from "./sqlite/SqliteStore.ts";

export const DEFAULT_CATALOG = "./data/catalog.sqlite";

export function defaultCatalogUri(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABROKER_CATALOG || DEFAULT_CATALOG;
}

function isSqlitePath(uri: string): boolean {
  return /\.(db|sqlite|sqlite3)$/i.test(uri) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}

function openSqlite(path: string, uri: string): Store {
  // A new catalog's folder is created, as for the default ./data/catalog.sqlite on first start.
  mkdirSync(dirname(path), { recursive: true });
  return new SqliteStore(path, uri);
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

export async function openStore(uri: string = defaultCatalogUri()): Promise<Store> {
  if (uri === "memory:" || uri === "memory://") return new MemoryStore();
  if (uri.startsWith("sqlite://")) {
    const path = uri.slice("sqlite://".length);
    if (!path.startsWith("/"))
      throw new UnsupportedError(`${uri}: a sqlite URI names an absolute path: sqlite:///abs/path.db`);
    return openSqlite(path, uri);
  }
  if (isSqlitePath(uri)) return openSqlite(resolve(uri), uri);
  if (uri.startsWith("file://")) {
    return FilesStore.openUri(uri);
  }
  if (uri.startsWith("postgresql://") || uri.startsWith("postgres://")) {
    return PostgresStore.open(uri);
  }
  throw new UnsupportedError(
    `catalog ${JSON.stringify(uri)}: use sqlite:///abs/path.db, a path ending .db or .sqlite, memory:, or file:///abs/dir`,
  );
}
