// Precedence, for every setting: flag > environment variable > configuration file > built-in default, each
// value with where it came from (`flag --port`, `env DATABROKER_PORT`, `databroker.yml:7`, `default`), as
// `config show` prints it and as the commands apply it.
import { ValidationError } from "../errors.ts";
import type { ConfigFile } from "./configSchema.ts";
import { ruleText, type Value, valueFromEnv } from "./configValues.ts";
import type { Setting } from "./settings.ts";

export interface Effective {
  key: string;
  value: Value;
  origin: string;
}

/** Where a value of the file is: `FILE:LINE`. */
export function fileOrigin(file: ConfigFile, line: number | undefined): string {
  return line === undefined ? file.file : `${file.file}:${line}`;
}

/** A setting's environment variable read by its rule (unset or empty: undefined; a wrong value: an error). */
export function envValue(setting: Setting, env: NodeJS.ProcessEnv): Value | undefined {
  const text = env[setting.env];
  if (text === undefined || text === "") return undefined;
  const value = valueFromEnv(text, setting.rule);
  if (value === undefined)
    throw new ValidationError(`$${setting.env}: ${ruleText(setting.rule)}, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * The value of `setting` below the flags: its environment variable's, else the file's; undefined when
 * neither sets it (the command's own default then holds).
 */
export function configuredValue(
  setting: Setting,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Effective | undefined {
  const fromEnv = envValue(setting, env);
  if (fromEnv !== undefined) return { key: setting.key, value: fromEnv, origin: `env ${setting.env}` };
  const inFile = file?.values.get(setting.key);
  if (inFile)
    return { key: setting.key, value: inFile.value, origin: fileOrigin(file as ConfigFile, inFile.line) };
  return undefined;
}

/** The value of `setting` with every layer: `flag` (undefined: not given), environment, file, default. */
export function effectiveValue(
  setting: Setting,
  flag: Value | undefined,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Effective {
  if (flag !== undefined) return { key: setting.key, value: flag, origin: `flag ${setting.flag}` };
  return (
    configuredValue(setting, file, env) ?? { key: setting.key, value: setting.default, origin: "default" }
  );
}
