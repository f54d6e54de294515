// A catalog as a configuration file names it (src/config): one catalog URI with what opening it needs, or a
// federation of other catalogs searched as one. Broker.open and openStore take either a URI or a spec.
import type { RootMap } from "../../assets/paths.ts";

/** One catalog: any URI the catalog kinds recognise (sqlite, postgresql, file, memory, http). */
export interface SourceSpec {
  /** The name the configuration gives it (messages and partial-failure reports name sources by it). */
  name?: string;
  uri: string;
  /** The key a remote server is called with (a configuration takes it from an environment variable). */
  apiKey?: string;
  /** Where this catalog's moved external files are now: a Resource root -> a directory. */
  rootMap?: RootMap;
  /** Directories its external files may be read from, besides the catalog's own folder. */
  fileRoots?: readonly string[];
  /** How long one call to this source may take before a federation reports it as failed (ms). */
  timeoutMs?: number;
}

/** Several catalogs searched as one: searches are pushed down to each and merged; reads go to a run's source. */
export interface FederationSpec {
  name?: string;
  federate: CatalogSpec[];
  /** The default per-source time limit for its sources that set none (ms). */
  timeoutMs?: number;
}

export type CatalogSpec = SourceSpec | FederationSpec;

export function isFederation(spec: CatalogSpec): spec is FederationSpec {
  return "federate" in spec;
}

/** How messages name a catalog: its configured name, else its URI (a federation: its sources' names). */
export function catalogLabel(catalog: string | CatalogSpec): string {
  if (typeof catalog === "string") return catalog;
  if (catalog.name) return catalog.name;
  return isFederation(catalog)
    ? `federation of ${catalog.federate.map(catalogLabel).join(", ")}`
    : catalog.uri;
}
