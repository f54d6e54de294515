// The default catalog and its environment override. Apart from openStore.ts and the catalog kinds, so that
// option defaults cost a command's start-up nothing.
export const DEFAULT_CATALOG = "./data/catalog.sqlite";

export function defaultCatalogUri(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABROKER_CATALOG || DEFAULT_CATALOG;
}
