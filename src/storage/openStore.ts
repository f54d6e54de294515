// Opens a catalog named by a URI, with the kind of catalog that recognises it (catalogs/catalogKinds.ts:
// sqlite, postgresql, file, memory and any kind registered since). The default catalog is
// ./data/catalog.sqlite, overridden by the DATABROKER_CATALOG environment variable. A read-only open never
// creates, migrates or writes anything; failures come out as typed errors naming the catalog (catalogErrors.ts).
import { UnsupportedError } from "../errors.ts";
import { catalogOpenFailure } from "./catalogErrors.ts";
import type { OpenOptions } from "./catalogs/CatalogKind.ts";
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

export async function openStore(
  uri: string = defaultCatalogUri(),
  options: OpenOptions = {},
): Promise<Store> {
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
