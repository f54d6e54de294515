// The configuration applied to the command about to run (the command line's preAction hook): its catalog
// resolved by name (--catalog NAME, or the default), and each of its flags the user did not give taken from
// the environment, else the file (settings.ts), so precedence is decided here for every command at once.
import type { Command } from "commander";
import { ValidationError } from "../errors.ts";
import {
  type CatalogChoice,
  catalogChoice,
  catalogNames,
  chosenCatalog,
  namedCatalogSpec,
} from "./catalogResolution.ts";
import type { ConfigFile } from "./configSchema.ts";
import { currentConfig } from "./loadConfig.ts";
import { configuredValue, envValue, fileOrigin } from "./origins.ts";
import {
  API_KEY_SETTING,
  flagAttribute,
  NEXUS_NAME_MAP_SETTING,
  SETTINGS,
  type Setting,
} from "./settings.ts";

/** `export --option nexus.names=FILE`: the option key the NeXus name map setting fills. */
const NEXUS_NAMES_KEY = "nexus.names";

/** Commands that serve the default catalog without a --catalog option. */
const DEFAULT_CATALOG_COMMANDS = new Set(["start"]);

function hasOption(command: Command, attribute: string): boolean {
  return command.options.some((option) => option.attributeName() === attribute);
}

function givenOnCommandLine(command: Command, attribute: string): boolean {
  return command.getOptionValueSource(attribute) === "cli";
}

/** File roots add up: the flags' are added to the environment's, else to the file's. */
function applyFileRoots(
  command: Command,
  setting: Setting,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv,
): void {
  if (envValue(setting, env) !== undefined) return; // the flag's default holds them already
  const configured = configuredValue(setting, file, env)?.value as string[] | undefined;
  if (!configured) return;
  const attribute = flagAttribute(setting);
  const flags = (command.getOptionValue(attribute) as string[] | undefined) ?? [];
  command.setOptionValueWithSource(attribute, [...configured, ...flags], "config");
}

/** The NeXus name map, for an export whose format takes one (a format refuses settings it does not read). */
function applyNexusNameMap(command: Command, file: ConfigFile | undefined, env: NodeJS.ProcessEnv): void {
  const format = command.getOptionValue("format") as { options?: Record<string, string> } | undefined;
  if (format?.options?.[NEXUS_NAMES_KEY] === undefined) return;
  const options = (command.getOptionValue("option") as Record<string, string> | undefined) ?? {};
  if (options[NEXUS_NAMES_KEY] !== undefined) return;
  const configured = configuredValue(NEXUS_NAME_MAP_SETTING, file, env);
  if (configured)
    command.setOptionValueWithSource("option", { ...options, [NEXUS_NAMES_KEY]: configured.value }, "config");
}

/** The single user's key from the variable the file names, unless --api-key or $DATABROKER_API_KEY gives it. */
function applyApiKey(command: Command, file: ConfigFile | undefined, env: NodeJS.ProcessEnv): void {
  if (command.getOptionValue("apiKey") !== undefined || env[API_KEY_SETTING.env]) return;
  const named = file?.values.get(API_KEY_SETTING.key);
  if (!file || !named) return;
  const variable = named.value as string;
  const key = env[variable];
  if (!key)
    throw new ValidationError(
      `the API key: $${variable} is not set (${fileOrigin(file, named.line)}: ${API_KEY_SETTING.key})`,
    );
  command.setOptionValueWithSource("apiKey", key, "config");
}

/**
 * `serve`'s mounted catalogs: each `--mount NAME=VALUE` whose value is a configured name opens that catalog;
 * without --mount, every catalog the configuration names is mounted under its name (a configured tree).
 */
function applyMounts(command: Command, file: ConfigFile | undefined, env: NodeJS.ProcessEnv): void {
  const given = command.getOptionValue("mount") as Record<string, string> | undefined;
  const root = command.getOptionValue("catalog") as CatalogChoice | undefined;
  // A file naming only the catalog served at the root has no tree to serve.
  const names = catalogNames(file);
  const onlyRoot = typeof root === "object" && names.length === 1 && names[0] === root.name;
  const mounts = given
    ? Object.fromEntries(
        Object.entries(given).map(([name, value]) => [name, catalogChoice(value, file, env)]),
      )
    : Object.fromEntries((onlyRoot ? [] : names).map((name) => [name, namedCatalogSpec(name, file, env)]));
  if (Object.keys(mounts).length > 0)
    command.setOptionValueWithSource("mount", mounts, given ? "cli" : "config");
}

/** Sets `command`'s catalog and unset flags from the configuration (loading it: a bad file fails here). */
export async function applyConfiguration(
  command: Command,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const { file } = await currentConfig();
  const name = command.name();
  if (hasOption(command, "catalog") || DEFAULT_CATALOG_COMMANDS.has(name)) {
    const chosen = chosenCatalog(command.getOptionValue("catalog"), file, env);
    // "default": nobody chose it (serve then lists its mounted catalogs at the root instead).
    const source = chosen.origin === "default" ? "default" : "config";
    command.setOptionValueWithSource("catalog", catalogChoice(chosen.text, file, env), source);
  }
  if (hasOption(command, "mount")) applyMounts(command, file, env);
  if (name === "pipe" && typeof command.getOptionValue("to") === "string")
    command.setOptionValue("to", catalogChoice(command.getOptionValue("to"), file, env));
  for (const setting of SETTINGS) {
    if (!setting.commands.includes(name)) continue;
    if (setting === NEXUS_NAME_MAP_SETTING) {
      applyNexusNameMap(command, file, env);
      continue;
    }
    if (setting === API_KEY_SETTING) {
      applyApiKey(command, file, env);
      continue;
    }
    const attribute = flagAttribute(setting);
    if (!hasOption(command, attribute)) continue;
    if (setting.rule.type === "paths") {
      applyFileRoots(command, setting, file, env);
      continue;
    }
    if (givenOnCommandLine(command, attribute)) continue;
    const configured = configuredValue(setting, file, env);
    if (configured) command.setOptionValueWithSource(attribute, configured.value, "config");
  }
}
