// The names of catalogs: the default one and every kind of URI. Apart from openStore.ts, which loads every
// store, so that help texts and option defaults cost a command's start-up nothing.
export const DEFAULT_CATALOG = "./data/catalog.sqlite";

/** Every kind of catalog URI, as help texts and messages name them. */
export const CATALOG_KINDS =
  "sqlite:///abs/path.db or a path ending .db/.sqlite, postgresql://user@host:port/db, file:///abs/dir " +
  "(a directory of document files), memory:";

export function defaultCatalogUri(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABROKER_CATALOG || DEFAULT_CATALOG;
}
