// Reads the catalog of a databroker-pack directory: catalog.yml names the document files (relative glob
// patterns) and the root_map that points each Resource root to its copied files under external_files/.
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { UnreadableError } from "../../errors.ts";
import { loadYaml } from "./loadYaml.ts";
import { pathExists } from "./pathExists.ts";

/** What a databroker-pack directory holds, with every path absolute. */
export interface PackCatalog {
  /** The pack directory's name. */
  name: string;
  /** The directory itself. */
  directory: string;
  /** The document files (one run each, as databroker-pack writes them), sorted. */
  documentFiles: string[];
  /** Resource root, as written in the Resource documents -> absolute directory holding its files. */
  rootMap: Record<string, string>;
  /** Every external file listed in the external_files_manifest_*.txt files. */
  externalFiles: string[];
}

export const CATALOG_FILE = "catalog.yml";
export const DOCUMENTS_MANIFEST = "documents_manifest.txt";

/** Is `dir` a databroker-pack directory (has a catalog.yml)? */
export async function isPackDirectory(dir: string): Promise<boolean> {
  return pathExists(join(dir, CATALOG_FILE));
}

interface CatalogSource {
  args?: { paths?: string[] | string; root_map?: Record<string, string> | null };
  metadata?: { relative_paths?: string[] | string };
}

function asList(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads the catalog.yml and manifests of the databroker-pack directory `dir`. */
export async function readPack(dir: string): Promise<PackCatalog> {
  const directory = resolve(dir);
  const catalogPath = join(directory, CATALOG_FILE);
  let catalog: { sources?: Record<string, CatalogSource> };
  const { parse: parseYaml } = await loadYaml();
  try {
    catalog = parseYaml(await readFile(catalogPath, "utf8")) ?? {};
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line ?? 1;
    throw new UnreadableError(
      catalogPath,
      `line ${line}`,
      `not a readable catalog: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const sources = Object.values(catalog.sources ?? {});
  if (sources.length === 0) throw new UnreadableError(catalogPath, "sources", "the catalog has no sources");

  const documentFiles = new Set<string>();
  const rootMap: Record<string, string> = {};
  for (const source of sources) {
    // databroker-pack writes absolute `paths` of the machine that packed, and the portable relative ones
    // in `metadata.relative_paths`; only the relative ones are meaningful after the pack has moved.
    const relative = asList(source.metadata?.relative_paths);
    const patterns = relative.length > 0 ? relative : asList(source.args?.paths);
    for (const pattern of patterns) {
      for (const file of await expandPattern(resolve(directory, pattern))) documentFiles.add(file);
    }
    for (const [root, location] of Object.entries(source.args?.root_map ?? {})) {
      rootMap[root] = isAbsolute(location) ? location : resolve(directory, location);
    }
  }
  // A pack whose catalog names no file found here (say, only absolute paths) still lists them in its manifest.
  if (documentFiles.size === 0)
    for (const file of await readManifest(directory, DOCUMENTS_MANIFEST)) documentFiles.add(file);
  return {
    name: basename(directory),
    directory,
    documentFiles: [...documentFiles].sort(),
    rootMap,
    externalFiles: await readExternalManifests(directory),
  };
}

async function readExternalManifests(directory: string): Promise<string[]> {
  const manifests = (await readdir(directory))
    .filter((name) => /^external_files_manifest_.*\.txt$/.test(name))
    .sort();
  const files: string[] = [];
  for (const manifest of manifests) files.push(...(await readManifest(directory, manifest)));
  return files;
}

/** The paths listed in a manifest (one per line, relative to the pack), absolute; none if it is missing. */
async function readManifest(directory: string, manifest: string): Promise<string[]> {
  const path = join(directory, manifest);
  if (!(await pathExists(path))) return [];
  const lines = (await readFile(path, "utf8")).split(/\r?\n/).map((line) => line.trim());
  return lines.filter((line) => line !== "").map((line) => resolve(directory, line));
}

/** Files matching an absolute path whose last segment may hold `*` and `?` wildcards (as catalog.yml does). */
async function expandPattern(pattern: string): Promise<string[]> {
  const name = basename(pattern);
  const parent = dirname(pattern);
  if (!/[*?]/.test(name)) return (await pathExists(pattern)) ? [pattern] : [];
  if (/[*?]/.test(parent)) {
    throw new UnreadableError(pattern, "path", "wildcards are supported in the file name only");
  }
  const matcher = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  return names.filter((n) => matcher.test(n)).map((n) => `${parent}${sep}${n}`);
}
