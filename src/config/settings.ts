// Every setting the configuration file holds besides its catalogs, with its environment variable, its flag
// and its built-in default: one table that the file's check, `config show` and the commands all read, so a
// setting's precedence (flag > environment > file > default) is decided in one place (origins.ts).
import { DEFAULT_MAX_READ_BYTES } from "../assets/ReadBudget.ts";
import { DEFAULT_INGEST_LIMITS, type IngestLimits, LIMIT_SETTINGS } from "../server/ingest/ingestLimits.ts";
import { DEFAULT_CATALOG } from "../storage/catalogUri.ts";
import type { ValueRule } from "./configValues.ts";

export interface Setting {
  /** Its key path in the file: `server.port`. */
  key: string;
  rule: ValueRule;
  /** The environment variable overriding the file. */
  env: string;
  /** The flag overriding both (`--port`), on the commands below. */
  flag: string;
  /** The commands that take it (their flag's attribute, set from the environment or the file). */
  commands: readonly string[];
  /** The built-in default, as `config show` prints it. */
  default: string | number | boolean | string[];
  /** What it is, for `config show --help` and the README. */
  help: string;
}

const SERVING = ["serve", "start"];
const READING_FILES = ["serve", "start", "ingest", "table", "export", "index", "pipe"];

const LIMIT_HELP: Record<keyof IngestLimits, string> = {
  maxBodyBytes: "bytes of one POSTed body",
  maxDocumentBytes: "bytes of one POSTed document",
  maxStringLength: "characters of one string in a POSTed document",
  maxDocuments: "documents in one POST",
};

/** `maxBodyBytes` -> `max_body_bytes`. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

const ingestLimits: Setting[] = (Object.keys(LIMIT_SETTINGS) as Array<keyof IngestLimits>).map((limit) => ({
  key: `server.${snakeCase(limit)}`,
  rule: { type: "whole", min: 1 },
  env: LIMIT_SETTINGS[limit].env,
  flag: LIMIT_SETTINGS[limit].flag,
  commands: SERVING,
  default: DEFAULT_INGEST_LIMITS[limit],
  help: LIMIT_HELP[limit],
}));

function oidc(name: string, help: string): Setting {
  return {
    key: `server.oidc.${name}`,
    rule: { type: "text" },
    env: `DATABROKER_OIDC_${name.toUpperCase()}`,
    flag: `--oidc-${name.replaceAll("_", "-")}`,
    commands: SERVING,
    default: "",
    help,
  };
}

/** The catalog a command opens when --catalog is not given: a configured name (or a URI). */
export const DEFAULT_CATALOG_SETTING: Setting = {
  key: "default",
  rule: { type: "text" },
  env: "DATABROKER_CATALOG",
  flag: "--catalog",
  commands: [],
  default: DEFAULT_CATALOG,
  help: "the catalog commands open without --catalog: a name under catalogs (or a catalog URI)",
};

/**
 * The single user's API key of `serve`: never in the file, which names the environment variable holding it
 * (the flag and $DATABROKER_API_KEY give the key itself, and win).
 */
export const API_KEY_SETTING: Setting = {
  key: "server.api_key_env",
  rule: { type: "envName" },
  env: "DATABROKER_API_KEY",
  flag: "--api-key",
  commands: SERVING,
  default: "",
  help: "the environment variable holding the single user's API key (never the key itself)",
};

/** The NeXus name map: the flag is `export --option nexus.names=FILE`. */
export const NEXUS_NAME_MAP_SETTING: Setting = {
  key: "export.nexus_name_map",
  rule: { type: "path" },
  env: "DATABROKER_NEXUS_NAME_MAP",
  flag: "--option nexus.names",
  commands: ["export"],
  default: "",
  help: "a YAML name map laid over the default one when exporting NeXus",
};

export const SETTINGS: readonly Setting[] = [
  DEFAULT_CATALOG_SETTING,
  {
    key: "server.host",
    rule: { type: "text" },
    env: "DATABROKER_HOST",
    flag: "--host",
    commands: SERVING,
    default: "127.0.0.1",
    help: "the address serve listens on",
  },
  {
    key: "server.port",
    rule: { type: "whole", min: 0, max: 65535 },
    env: "DATABROKER_PORT",
    flag: "--port",
    commands: SERVING,
    default: 8000,
    help: "the port serve listens on (0: any free port)",
  },
  {
    key: "server.public",
    rule: { type: "boolean" },
    env: "DATABROKER_PUBLIC",
    flag: "--public",
    commands: SERVING,
    default: false,
    help: "anonymous callers may read (single-user mode)",
  },
  API_KEY_SETTING,
  {
    key: "server.search_budget_ms",
    rule: { type: "whole", min: 0 },
    env: "DATABROKER_SEARCH_BUDGET_MS",
    flag: "--search-budget-ms",
    commands: SERVING,
    default: 10_000,
    help: "time one search request may take (0: no limit)",
  },
  {
    key: "server.index",
    rule: { type: "boolean" },
    env: "DATABROKER_INDEX",
    flag: "--index",
    commands: SERVING,
    default: false,
    help: "compute field statistics in the background once listening",
  },
  {
    key: "server.trust_resource_paths",
    rule: { type: "boolean" },
    env: "DATABROKER_TRUST_RESOURCE_PATHS",
    flag: "--trust-resource-paths",
    commands: SERVING,
    default: false,
    help: "accept POSTed Resources whose files lie outside the file roots",
  },
  ...ingestLimits,
  oidc("issuer", "accept bearer tokens of this OIDC issuer (with memberships)"),
  oidc("audience", "the audience those tokens must name"),
  oidc("jwks_uri", "the provider's JWKS, if not discovered from the issuer"),
  oidc("user_claim", "the token claim naming the user (else sub)"),
  oidc("client_id", "the public client the web page signs in as"),
  {
    key: "server.trusted_proxy",
    rule: { type: "text" },
    env: "DATABROKER_TRUSTED_PROXY",
    flag: "--trusted-proxy",
    commands: SERVING,
    default: "",
    help: "proxy IPs/CIDRs whose user header is believed, comma-separated",
  },
  {
    key: "server.proxy_user_header",
    rule: { type: "text" },
    env: "DATABROKER_PROXY_USER_HEADER",
    flag: "--proxy-user-header",
    commands: SERVING,
    default: "",
    help: "the header the proxy sets (else X-Forwarded-User)",
  },
  {
    key: "assets.file_roots",
    rule: { type: "paths" },
    env: "DATABROKER_FILE_ROOTS",
    flag: "--file-root",
    commands: READING_FILES,
    default: [],
    help: "directories external files may be read from (a flag adds to them)",
  },
  {
    key: "assets.max_read_bytes",
    rule: { type: "whole", min: 1 },
    env: "DATABROKER_MAX_READ_BYTES",
    flag: "--max-read-bytes",
    commands: READING_FILES,
    default: DEFAULT_MAX_READ_BYTES,
    help: "the most bytes one read of external data may take",
  },
  NEXUS_NAME_MAP_SETTING,
];

/** The setting at `key`, if any. */
export function settingAt(key: string): Setting | undefined {
  return SETTINGS.find((setting) => setting.key === key);
}

/** The commander attribute of a setting's flag: `--search-budget-ms` -> `searchBudgetMs`. */
export function flagAttribute(setting: Setting): string {
  return setting.flag.replace(/^--/, "").replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
