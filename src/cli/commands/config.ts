// `databroker config path|show|check`: which configuration file is read (and every place looked at, in
// order), the settings a command would run with and where each value came from (flag, environment, file:line,
// default; a catalog's key never shown, only whether its variable is set), and a check of a file that lists
// every finding as FILE:LINE: key: rule (exit 1) or says ok.
import { type Command, InvalidArgumentError } from "commander";
import { problemText } from "../../config/ConfigError.ts";
import { chosenCatalog } from "../../config/catalogResolution.ts";
import { locateConfig } from "../../config/configLocations.ts";
import type { CatalogEntry, ConfigFile, Located } from "../../config/configSchema.ts";
import { ruleText, type Value, valueFromEnv } from "../../config/configValues.ts";
import { checkConfigFile, currentConfig } from "../../config/loadConfig.ts";
import { type Effective, effectiveValue, fileOrigin } from "../../config/origins.ts";
import {
  API_KEY_SETTING,
  DEFAULT_CATALOG_SETTING,
  flagAttribute,
  NEXUS_NAME_MAP_SETTING,
  SETTINGS,
  type Setting,
} from "../../config/settings.ts";
import { aligned } from "../alignedColumns.ts";
import { keyValueEntry } from "../fileRootOptions.ts";

/** The config file the command line names with --config (a global option). */
function configFlag(command: Command): string | undefined {
  let top = command;
  while (top.parent) top = top.parent;
  return top.opts().config;
}

function registerPath(config: Command): void {
  config
    .command("path")
    .description("print the configuration file read, then every place looked at, in order")
    .action((_options, command: Command) => {
      const { file, candidates } = locateConfig({ flag: configFlag(command) });
      console.log(
        file ? `reads ${file}` : "reads no file: every setting has its environment's value or its default",
      );
      console.log("looked at, in order (the first found is read):");
      const rows = candidates.map((candidate) => [
        `  ${candidate.from}`,
        candidate.path,
        candidate.path === file ? "read" : candidate.exists ? "found (not read)" : "-",
      ]);
      for (const line of aligned(rows)) console.log(line);
    });
}

/** How `config show` prints a value. */
function shown(value: Value): string {
  if (typeof value === "string") return value === "" ? "not set" : value;
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

interface CatalogShown {
  [field: string]: { value: Value; origin: string };
}

/** A configured catalog as `config show` prints it: each field with its line; the key by its variable only. */
function catalogShown(file: ConfigFile, entry: CatalogEntry, env: NodeJS.ProcessEnv): CatalogShown {
  const at = (located: Located<unknown> | undefined) => fileOrigin(file, located?.line);
  const out: CatalogShown = {};
  if (entry.uri) out.uri = { value: entry.uri.value, origin: at(entry.uri) };
  if (entry.federate)
    out.federate = { value: entry.federate.map((member) => member.value), origin: at(entry.federate[0]) };
  if (entry.apiKeyEnv) {
    const variable = entry.apiKeyEnv.value;
    out.api_key = {
      value: `(from $${variable}, ${env[variable] ? "set" : "not set"})`,
      origin: at(entry.apiKeyEnv),
    };
  }
  if (entry.rootMap) out.root_map = { value: entry.rootMap.value, origin: at(entry.rootMap) };
  if (entry.fileRoots) out.file_roots = { value: entry.fileRoots.value, origin: at(entry.fileRoots) };
  if (entry.timeoutMs) out.timeout_ms = { value: entry.timeoutMs.value, origin: at(entry.timeoutMs) };
  return out;
}

/** A setting's flag as `config show` takes it, read by the setting's rule. */
function flagParser(setting: Setting) {
  return (text: string, previous: unknown) => {
    const value = valueFromEnv(text, setting.rule);
    if (value === undefined)
      throw new InvalidArgumentError(`${ruleText(setting.rule)}, got ${JSON.stringify(text)}`);
    // --file-root is repeatable: each adds a root.
    return setting.rule.type === "paths"
      ? [...((previous as string[] | undefined) ?? []), ...(value as string[])]
      : value;
  };
}

/** The settings' flags, so `config show --port 9000` shows what `serve --port 9000` would run with. */
function withSettingFlags(command: Command): Command {
  for (const setting of SETTINGS) {
    if (setting === DEFAULT_CATALOG_SETTING || setting === NEXUS_NAME_MAP_SETTING) continue;
    if (setting === API_KEY_SETTING) {
      command.option("--api-key <key>", "the single user's API key (shown only as set)");
      continue;
    }
    if (setting.rule.type === "boolean") command.option(setting.flag, setting.help);
    else command.option(`${setting.flag} <value>`, setting.help, flagParser(setting));
  }
  return command
    .option("--catalog <name|uri>", DEFAULT_CATALOG_SETTING.help)
    .option(
      "--option <key=value>",
      "export's nexus.names=FILE (the NeXus name map)",
      keyValueEntry("KEY=VALUE"),
    );
}

type ShowFlags = Record<string, unknown> & { json?: boolean; option?: Record<string, string> };

/** Where the single user's key comes from, and whether it is there: never the key itself. */
function apiKeyShown(flag: unknown, file: ConfigFile | undefined, env: NodeJS.ProcessEnv): Effective {
  const key = "server.api_key";
  if (flag !== undefined) return { key, value: "set", origin: `flag ${API_KEY_SETTING.flag}` };
  if (env[API_KEY_SETTING.env]) return { key, value: "set", origin: `env ${API_KEY_SETTING.env}` };
  const named = file?.values.get(API_KEY_SETTING.key);
  if (file && named) {
    const variable = named.value as string;
    return {
      key,
      value: `(from $${variable}, ${env[variable] ? "set" : "not set"})`,
      origin: fileOrigin(file, named.line),
    };
  }
  return { key, value: "not set (a random key, printed at start)", origin: "default" };
}

/** Every setting's effective value and origin, given `flags`. */
function effectiveSettings(
  flags: ShowFlags,
  file: ConfigFile | undefined,
  env: NodeJS.ProcessEnv,
): Effective[] {
  return SETTINGS.map((setting) => {
    if (setting === DEFAULT_CATALOG_SETTING) {
      const { text, origin } = chosenCatalog(flags.catalog as string | undefined, file, env);
      return { key: "catalog", value: text, origin };
    }
    if (setting === API_KEY_SETTING) return apiKeyShown(flags.apiKey, file, env);
    const flag =
      setting === NEXUS_NAME_MAP_SETTING
        ? flags.option?.["nexus.names"]
        : (flags[flagAttribute(setting)] as Value);
    const effective = effectiveValue(setting, flag, file, env);
    // File roots add up: the flags' are added to the environment's or the file's.
    if (setting.rule.type === "paths" && flag !== undefined) {
      const below = effectiveValue(setting, undefined, file, env);
      if (below.origin !== "default")
        return {
          ...effective,
          value: [...(below.value as string[]), ...(flag as string[])],
          origin: `${below.origin} + flag ${setting.flag}`,
        };
    }
    return effective;
  });
}

function registerShow(config: Command): void {
  withSettingFlags(config.command("show"))
    .description(
      "print every setting with its value and where it came from (flag, env VAR, FILE:LINE, default), then the configured catalogs; " +
        "give a command's flags to see what it would run with",
    )
    .option("--json", "as one JSON object")
    .action(async (flags: ShowFlags) => {
      const env = process.env;
      const { location, file } = await currentConfig();
      const settings = effectiveSettings(flags, file, env);
      const catalogs = Object.fromEntries(
        [...(file?.catalogs.values() ?? [])].map((entry) => [
          entry.name,
          catalogShown(file as ConfigFile, entry, env),
        ]),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ file: location.file ?? null, settings, catalogs })}\n`);
        return;
      }
      console.log(`configuration file: ${location.file ?? "none (databroker config path)"}`);
      for (const line of aligned(
        settings.map(({ key, value, origin }) => [key, shown(value), `(${origin})`]),
      ))
        console.log(line);
      const names = Object.keys(catalogs);
      if (names.length === 0) return;
      console.log("catalogs:");
      const rows = names.flatMap((name) =>
        Object.entries(catalogs[name]).map(([field, { value, origin }]) => [
          `  ${name}.${field}`,
          shown(value),
          `(${origin})`,
        ]),
      );
      for (const line of aligned(rows)) console.log(line);
    });
}

function registerCheck(config: Command): void {
  config
    .command("check")
    .description(
      "check a configuration file (default: the one read): ok, or every finding as FILE:LINE: key: rule (exit 1)",
    )
    .argument("[file]", "the file to check")
    .action(async (path: string | undefined, _options, command: Command) => {
      let file = path;
      if (file === undefined) {
        try {
          file = locateConfig({ flag: configFlag(command) }).file;
        } catch (error) {
          console.log((error as Error).message);
          process.exitCode = 1;
          return;
        }
      }
      if (file === undefined) {
        console.log("ok: no configuration file (databroker config path lists where one is looked for)");
        return;
      }
      const { problems } = await checkConfigFile(file);
      for (const problem of problems) console.log(problemText(problem));
      if (problems.length > 0) process.exitCode = 1;
      else console.log(`ok: ${file}`);
    });
}

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description(
      "the configuration file: named catalogs, the default catalog, server, asset and export settings " +
        "(precedence: flag > environment variable > file > default)",
    );
  config.addHelpText(
    "after",
    "\nThe file read is the first found of: --config FILE (before or after the command), $DATABROKER_CONFIG, " +
      "./databroker.yml (or .yaml), $XDG_CONFIG_HOME/databroker/databroker.yml (else ~/.config/databroker/), " +
      "/etc/databroker/databroker.yml. None is fine (defaults).",
  );
  registerPath(config);
  registerShow(config);
  registerCheck(config);
}
