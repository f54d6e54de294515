// SQLite catalogs: `sqlite:///abs/path.db` (three slashes: an absolute path), or a plain path ending .db,
// .sqlite or .sqlite3. Opening one creates its folder (as for the default ./data/catalog.sqlite on first
// start); a read-only open creates nothing.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UnsupportedError } from "../../errors.ts";
import { createDirectory } from "../createDirectory.ts";
import type { Store } from "../Store.ts";
import type { CatalogKind, OpenOptions } from "./CatalogKind.ts";

const SCHEME = "sqlite://";

function isSqlitePath(uri: string): boolean {
  return /\.(db|sqlite|sqlite3)$/i.test(uri) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}

async function openSqlite(path: string, uri: string, options: OpenOptions): Promise<Store> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new UnsupportedError(
      `${uri} is a folder, not a SQLite file (a folder of document files is file:///abs/dir)`,
    );
  if (!options.readOnly) createDirectory(dirname(path));
  const { SqliteStore } = await import("../sqlite/SqliteStore.ts");
  return new SqliteStore(path, uri, options);
}

export const sqliteCatalog: CatalogKind = {
  name: "sqlite",
  help: "sqlite:///abs/path.db or a path ending .db/.sqlite",
  recognises: (uri) => uri.startsWith(SCHEME) || isSqlitePath(uri),
  open(uri, options) {
    if (isSqlitePath(uri)) return openSqlite(resolve(uri), uri, options);
    const path = uri.slice(SCHEME.length);
    if (!path.startsWith("/"))
      throw new UnsupportedError(
        `${uri}: a sqlite URI names an absolute path: sqlite:///abs/path.db (three slashes), or give the plain path`,
      );
    return openSqlite(path, uri, options);
  },
  directory: (uri) => (uri.startsWith(SCHEME) ? dirname(uri.slice(SCHEME.length)) : dirname(resolve(uri))),
};
