// Opens a catalog named by a URI, with the kind of catalog that recognises it (catalogs/catalogKinds.ts:
// sqlite, postgresql, file, memory and any kind registered since). The default catalog is
// ./data/catalog.sqlite, overridden by the DATABROKER_CATALOG environment variable. A read-only open never
// creates, migrates or writes anything; failures come out as typed errors naming the catalog (catalogErrors.ts).
import { UnsupportedError } from "../errors.ts";
import { catalogOpenFailure } from "./catalogErrors.ts";
import type { OpenOptions } from "./catalogs/CatalogKind.ts";
import { type CatalogSpec, isFederation } from "./catalogs/CatalogSpec.ts";
import { catalogKindOf, catalogKindsHelp } from "./catalogs/catalogKinds.ts";
import { defaultCatalogUri } from "./catalogUri.ts";
import type { Store } from "./Store.ts";

export { DEFAULT_CATALOG, defaultCatalogUri } from "./catalogUri.ts";

/**
 * The folder a catalog keeps its own files in (a SQLite file's folder, a files catalog's directory), where
 * its external files may be read from; undefined for catalogs with no folder (memory, PostgreSQL).
 */
export function catalogDirectory(uri: string): string | undefined {
  return catalogKindOf(uri)?.directory?.(uri);
}

/**
 * Opens a catalog: a URI, or a configured spec (a URI with its key, or a federation of catalogs, which is
 * read-only and opened with its sources).
 */
export async function openStore(
  catalog: string | CatalogSpec = defaultCatalogUri(),
  options: OpenOptions = {},
): Promise<Store> {
  if (typeof catalog !== "string") {
    if (isFederation(catalog)) {
      const { FederatedStore } = await import("./federation/FederatedStore.ts");
      return FederatedStore.open(catalog, options);
    }
    return openStore(catalog.uri, {
      ...options,
      apiKey: catalog.apiKey ?? options.apiKey,
      timeoutMs: catalog.timeoutMs ?? options.timeoutMs,
    });
  }
  const uri = catalog;
  try {
    const kind = catalogKindOf(uri);
    if (!kind)
      throw new UnsupportedError(
        `catalog ${JSON.stringify(uri)} is not a catalog URI: use ${catalogKindsHelp()}`,
      );
    return await kind.open(uri, options);
  } catch (error) {
    throw catalogOpenFailure(uri, error);
  }
}
