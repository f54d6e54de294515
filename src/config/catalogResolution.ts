// A catalog as a command or program names it: a configured name becomes its CatalogSpec (a URI with its key
// from the environment, root_map and file roots, or a federation of other named catalogs); anything else is
// a catalog URI as before. Without a name: $DATABROKER_CATALOG, else the file's `default`, else
// ./data/catalog.sqlite. Every command and Broker.named resolve through here.
import { NotFoundError, ValidationError } from "../errors.ts";
import type { CatalogSpec } from "../storage/catalogs/CatalogSpec.ts";
import { type ConfigFile, looksLikeUri } from "./configSchema.ts";
import { effectiveValue, fileOrigin } from "./origins.ts";
import { DEFAULT_CATALOG_SETTING } from "./settings.ts";

/** What opens a catalog: a URI, or a configured catalog's spec. */
export type CatalogChoice = string | CatalogSpec;

/** The names the file configures, for messages. */
export function catalogNames(file: ConfigFile | undefined): string[] {
  return [...(file?.catalogs.keys() ?? [])];
}

/**
 * The spec of the catalog configured as `name`. A key's environment variable that is not set is an error
 * naming the catalog, the variable and where the file names it; so is an unknown name (listing the names).
 */
export function namedCatalogSpec(
  name: string,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CatalogSpec {
  const entry = file?.catalogs.get(name);
  if (!file || !entry) {
    const names = catalogNames(file);
    throw new NotFoundError(
      `no catalog is named ${JSON.stringify(name)} in the configuration` +
        (names.length > 0
          ? ` (${file?.file} names ${names.join(", ")})`
          : " (no configuration file names any: databroker config path)"),
    );
  }
  const timeoutMs = entry.timeoutMs?.value;
  if (entry.federate)
    return {
      name,
      federate: entry.federate.map((member) => namedCatalogSpec(member.value, file, env)),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  let apiKey: string | undefined;
  if (entry.apiKeyEnv) {
    const variable = entry.apiKeyEnv.value;
    apiKey = env[variable] || undefined;
    if (apiKey === undefined)
      throw new ValidationError(
        `catalog ${name}: $${variable} is not set (${fileOrigin(file, entry.apiKeyEnv.line)}: catalogs.${name}.api_key_env)`,
      );
  }
  return {
    name,
    uri: entry.uri?.value as string,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(entry.rootMap ? { rootMap: entry.rootMap.value } : {}),
    ...(entry.fileRoots ? { fileRoots: entry.fileRoots.value } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

/**
 * A name or URI: a configured name opens its spec, anything else is a URI. With a file naming catalogs, a
 * name it does not configure (no scheme, slash or dot: never a URI) is an error listing the names.
 */
export function catalogChoice(
  text: string,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CatalogChoice {
  const named = file !== undefined && catalogNames(file).length > 0 && !looksLikeUri(text);
  return file?.catalogs.has(text) || named ? namedCatalogSpec(text, file, env) : text;
}

/** The catalog `--catalog` names (undefined: not given) and where the choice came from. */
export function chosenCatalog(
  flag: string | undefined,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { text: string; origin: string } {
  const { value, origin } = effectiveValue(DEFAULT_CATALOG_SETTING, flag, file, env);
  return { text: value as string, origin };
}

/** The catalog a command opens: `--catalog` (a name or URI), else $DATABROKER_CATALOG, the file's default, ./data/catalog.sqlite. */
export function resolveCatalog(
  flag: string | undefined,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CatalogChoice {
  return catalogChoice(chosenCatalog(flag, file, env).text, file, env);
}
