// Where a configured catalog's external files are: its root_map and file roots, and for a federation those of
// every source together (each source's own folder included, as a single catalog's is).
import { fileRootsFromEnv } from "../../assets/environment.ts";
import type { RootMap } from "../../assets/paths.ts";
import { ValidationError } from "../../errors.ts";
import { catalogDirectory } from "../openStore.ts";
import { type CatalogSpec, catalogLabel, isFederation, type SourceSpec } from "./CatalogSpec.ts";

export interface SpecFileOptions {
  rootMap?: RootMap;
  fileRoots?: readonly string[];
}

function sourcesOf(spec: CatalogSpec): SourceSpec[] {
  return isFederation(spec) ? spec.federate.flatMap(sourcesOf) : [spec];
}

/**
 * The root_map and file roots a Broker over `catalog` reads with, the caller's added (its root_map wins).
 * Two sources of a federation that map one root differently are an error: a federation reads with one map.
 */
export function specFileOptions(
  catalog: string | CatalogSpec,
  caller: SpecFileOptions = {},
): SpecFileOptions {
  if (typeof catalog === "string") return caller;
  const sources = sourcesOf(catalog);
  const rootMap: Record<string, string> = {};
  const mappedBy: Record<string, string> = {};
  for (const source of sources)
    for (const [root, target] of Object.entries(source.rootMap ?? {})) {
      if (rootMap[root] !== undefined && rootMap[root] !== target)
        throw new ValidationError(
          `root_map: ${catalogLabel(source)} maps ${root} to ${target} but ${mappedBy[root]} maps it to ${rootMap[root]}`,
        );
      rootMap[root] = target;
      mappedBy[root] = catalogLabel(source);
    }
  const own = isFederation(catalog) ? sources.map((source) => catalogDirectory(source.uri) ?? []) : [];
  return {
    rootMap: { ...rootMap, ...caller.rootMap },
    fileRoots: [
      ...own,
      ...sources.flatMap((source) => source.fileRoots ?? []),
      ...(caller.fileRoots ?? fileRootsFromEnv()),
    ].flat(),
  };
}
