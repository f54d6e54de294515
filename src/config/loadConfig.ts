// The configuration in use: the file found (configLocations.ts), read with positions and checked. A process
// reads it once; the command line first says which file (`--config`), and Broker.named reads the same one.
import { ConfigError } from "./ConfigError.ts";
import { readConfigDocument } from "./configDocument.ts";
import { type ConfigLocation, type LocateOptions, locateConfig } from "./configLocations.ts";
import { type ConfigFile, checkConfig } from "./configSchema.ts";

export interface Configuration {
  location: ConfigLocation;
  /** The checked file; undefined when no file was found (every setting then has its default). */
  file?: ConfigFile;
}

/** Finds and checks the configuration without failing on its findings (what `config check` reports). */
export function inspectConfig(options: LocateOptions = {}): Configuration {
  const location = locateConfig(options);
  return { location, file: location.file ? checkConfig(readConfigDocument(location.file)) : undefined };
}

/** The configuration, or a ConfigError naming its first finding (file:line: key: rule). */
export function loadConfig(options: LocateOptions = {}): Configuration {
  const config = inspectConfig(options);
  if (config.file && config.file.problems.length > 0) throw new ConfigError(config.file.problems);
  return config;
}

let current: { flag?: string; config?: Configuration } | undefined;

/** Which file this process reads: the command line's --config (undefined: the usual places). */
export function useConfigFlag(flag: string | undefined): void {
  current = { flag };
}

/** The configuration this process reads, loaded on first use. */
export function currentConfig(): Configuration {
  current ??= {};
  current.config ??= loadConfig({ flag: current.flag });
  return current.config;
}
