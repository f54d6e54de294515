// What Broker.named opens: the catalog the configuration file names, with the file's asset settings
// (file roots, the cap of one read) where the caller and the environment give none.
import type { BrokerOptions } from "../broker/Broker.ts";
import type { CatalogSpec } from "../storage/catalogs/CatalogSpec.ts";
import { namedCatalogSpec } from "./catalogResolution.ts";
import { type Configuration, currentConfig, loadConfig } from "./loadConfig.ts";
import { configuredValue } from "./origins.ts";
import { settingAt } from "./settings.ts";

export interface NamedOptions {
  /** The configuration file to read (default: the usual places, as `databroker config path` lists them). */
  config?: string;
}

/** The spec of `name` and the Broker options the configuration gives it. */
export async function namedCatalog(
  name: string,
  { config }: NamedOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ spec: CatalogSpec; options: Pick<BrokerOptions, "fileRoots" | "maxReadBytes"> }> {
  const { file }: Configuration = await (config === undefined
    ? currentConfig()
    : loadConfig({ flag: config, env }));
  const spec = namedCatalogSpec(name, file, env);
  const fileRoots = configuredValue(settingAt("assets.file_roots")!, file, env)?.value as
    | string[]
    | undefined;
  const maxReadBytes = configuredValue(settingAt("assets.max_read_bytes")!, file, env)?.value as
    | number
    | undefined;
  return { spec, options: { fileRoots, maxReadBytes } };
}
