// The configuration in use: the file found (configLocations.ts), read with positions and checked. A process
// reads it once; the command line first says which file (`--config`), and Broker.named reads the same one.
// The YAML parser is loaded only when there is a file to read, so that commands without one start as fast.
import { ConfigError } from "./ConfigError.ts";
import { type ConfigLocation, type LocateOptions, locateConfig } from "./configLocations.ts";
import type { ConfigFile } from "./configSchema.ts";

export interface Configuration {
  location: ConfigLocation;
  /** The checked file; undefined when no file was found (every setting then has its default). */
  file?: ConfigFile;
}

/** `path` read and checked, with every finding. */
export async function checkConfigFile(path: string): Promise<ConfigFile> {
  const [{ readConfigDocument }, { checkConfig }] = await Promise.all([
    import("./configDocument.ts"),
    import("./configSchema.ts"),
  ]);
  return checkConfig(readConfigDocument(path));
}

/** Finds and checks the configuration without failing on its findings (what `config check` reports). */
export async function inspectConfig(options: LocateOptions = {}): Promise<Configuration> {
  const location = locateConfig(options);
  return { location, file: location.file ? await checkConfigFile(location.file) : undefined };
}

/** The configuration, or a ConfigError naming its first finding (file:line: key: rule). */
export async function loadConfig(options: LocateOptions = {}): Promise<Configuration> {
  const config = await inspectConfig(options);
  if (config.file && config.file.problems.length > 0) throw new ConfigError(config.file.problems);
  return config;
}

let current: { flag?: string; config?: Promise<Configuration> } | undefined;

/** Which file this process reads: the command line's --config (undefined: the usual places). */
export function useConfigFlag(flag: string | undefined): void {
  current = { flag };
}

/** The configuration this process reads, loaded on first use. */
export function currentConfig(): Promise<Configuration> {
  current ??= {};
  current.config ??= loadConfig({ flag: current.flag });
  return current.config;
}
