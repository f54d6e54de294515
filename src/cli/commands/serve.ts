// `databroker serve [--catalog NAME|URI] [--mount NAME=NAME|URI ...] [--host] [--port] [--api-key KEY | --public]
// [--search-budget-ms N] [--max-body-bytes N] [--max-document-bytes N] [--max-string-length N]
// [--max-documents N]`: serves a catalog over HTTP (the Tiled-compatible API), and each mounted catalog under
// its name; with mounts and no --catalog (nor $DATABROKER_CATALOG, nor a configured default), the root lists the mounted catalogs; a configuration's catalogs are all mounted unless --mount is given.
// Single-user mode: one API key, given, from DATABROKER_API_KEY, or made up at start-up and printed as a
// ready URL. SIGINT / SIGTERM close the server, then every catalog.
import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { parseByteCount } from "../../assets/environment.ts";
import { Broker } from "../../broker/index.ts";
import { DatabrokerError, ValidationError } from "../../errors.ts";
import { createServer } from "../../server/app.ts";
import { type AuthOptions, checkApiKey, newApiKey } from "../../server/auth.ts";
import {
  DEFAULT_INGEST_LIMITS,
  type IngestLimits,
  ingestLimitsOf,
  LIMIT_SETTINGS,
} from "../../server/ingest/ingestLimits.ts";
import { indexInBackground } from "../backgroundIndex.ts";
import { type CatalogChoice, catalogLabel, withCatalogOption } from "../catalogOption.ts";
import { cliMessageOf, reportCliFailure } from "../errors.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withRootMapOption,
  withTrustOption,
} from "../fileRootOptions.ts";
import { withMountOption } from "../mountOption.ts";

export interface ServeOptions extends FileRootFlags, Partial<IngestLimits> {
  /** databroker's root_map: where moved external files are now. */
  rootMap?: Record<string, string>;
  /** The catalog served at the root (a URI or a configured spec); none: the root lists `mounts`. */
  catalog?: CatalogChoice;
  /** Catalogs served under their names (NAME -> URI or configured spec), listed in this order. */
  mounts?: Record<string, CatalogChoice>;
  host: string;
  port: number;
  /** The single user's key (default: DATABROKER_API_KEY, else a new random one). */
  apiKey?: string;
  /** Anonymous callers may read. */
  public?: boolean;
  /** One search request's time budget (default: DATABROKER_SEARCH_BUDGET_MS, else 10 s; 0: no limit). */
  searchBudgetMs?: number;
  /** Sign-in for a catalog with memberships (flags or DATABROKER_OIDC_* / DATABROKER_TRUSTED_PROXY). */
  oidcIssuer?: string;
  oidcAudience?: string;
  oidcJwksUri?: string;
  oidcUserClaim?: string;
  oidcClientId?: string;
  trustedProxy?: string;
  proxyUserHeader?: string;
  /** Once listening, compute the statistics of fields not indexed yet in the background (`databroker index`). */
  index?: boolean;
  /** Called once the catalog is open, before listening (`start` seeds the examples here). */
  prepare?: (broker: Broker) => Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  /** The primary catalog: the root one, else the first mounted one (its access data signs callers in). */
  broker: Broker;
  /** The mounted catalogs by name. */
  mounts: Record<string, Broker>;
  /** The server's base URL (`http://127.0.0.1:8000`). */
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/** A host as it goes into a URL: a wildcard address is reached on loopback; IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/** The sign-in settings of flags, else the environment: OIDC needs an issuer and an audience together. */
function signInOptions(options: ServeOptions): Pick<AuthOptions, "oidc" | "proxy"> {
  const env = process.env;
  const issuer = options.oidcIssuer ?? (env.DATABROKER_OIDC_ISSUER || undefined);
  const audience = options.oidcAudience ?? (env.DATABROKER_OIDC_AUDIENCE || undefined);
  if ((issuer === undefined) !== (audience === undefined))
    throw new ValidationError(
      "OIDC sign-in needs both --oidc-issuer and --oidc-audience (or DATABROKER_OIDC_ISSUER and _AUDIENCE)",
    );
  const clientId = options.oidcClientId ?? (env.DATABROKER_OIDC_CLIENT_ID || undefined);
  if (clientId !== undefined && issuer === undefined)
    throw new ValidationError(
      "--oidc-client-id names the web page's client of an OIDC provider: give --oidc-issuer and --oidc-audience too",
    );
  const proxies = options.trustedProxy ?? (env.DATABROKER_TRUSTED_PROXY || undefined);
  return {
    oidc:
      issuer && audience
        ? {
            issuer,
            audience,
            jwksUri: options.oidcJwksUri ?? (env.DATABROKER_OIDC_JWKS_URI || undefined),
            userClaim: options.oidcUserClaim ?? (env.DATABROKER_OIDC_USER_CLAIM || undefined),
            clientId,
          }
        : undefined,
    proxy: proxies
      ? {
          addresses: proxies.split(",").map((entry) => entry.trim()),
          header: options.proxyUserHeader ?? (env.DATABROKER_PROXY_USER_HEADER || undefined),
        }
      : undefined,
  };
}

/** The root catalog and the mounted ones, opened in order; on any failure, every one opened is closed. */
async function openCatalogs(
  options: ServeOptions,
): Promise<{ root?: Broker; mounts: Record<string, Broker>; all: Broker[] }> {
  const open = (catalog: CatalogChoice) =>
    Broker.open(catalog, { ...brokerFileOptions(options), rootMap: options.rootMap });
  const all: Broker[] = [];
  try {
    const root = options.catalog === undefined ? undefined : await open(options.catalog);
    if (root) all.push(root);
    const mounts: Record<string, Broker> = {};
    const rootName = typeof options.catalog === "object" ? options.catalog.name : undefined;
    for (const [name, catalog] of Object.entries(options.mounts ?? {})) {
      // The configured default is also mounted under its name: one catalog, opened once.
      if (root && rootName !== undefined && typeof catalog === "object" && catalog.name === rootName) {
        mounts[name] = root;
        continue;
      }
      try {
        mounts[name] = await open(catalog);
      } catch (error) {
        const code = error instanceof DatabrokerError ? error.code : "unreadable";
        const what = `--mount ${name}=${catalogLabel(catalog)}`;
        throw new DatabrokerError(code, `${what}: ${cliMessageOf(error)}`, { cause: error });
      }
      all.push(mounts[name]);
    }
    if (all.length === 0)
      throw new ValidationError("nothing to serve: give --catalog URI or --mount NAME=URI");
    return { root, mounts, all };
  } catch (error) {
    await Promise.all(all.map((broker) => broker.close()));
    throw error;
  }
}

export async function serveCatalog(options: ServeOptions): Promise<RunningServer> {
  const apiKey = checkApiKey(options.apiKey ?? (process.env.DATABROKER_API_KEY || newApiKey()));
  const signIn = signInOptions(options);
  const { root, mounts, all } = await openCatalogs(options);
  const broker = all[0];
  const closeAll = () => Promise.all(all.map((each) => each.close())).then(() => undefined);
  try {
    await options.prepare?.(broker);
    const app = await createServer({
      broker: root,
      catalogs: mounts,
      auth: { apiKey, public: options.public, ...signIn },
      searchBudgetMs: options.searchBudgetMs ?? searchBudgetFromEnv(),
      limits: ingestLimitsOf(options),
      trustResourcePaths: options.trustResourcePaths,
      logger: false,
    });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : options.port;
    const url = `http://${urlHost(options.host)}:${port}`;
    const indexing = options.index
      ? all.map((each) => indexInBackground(each, (line) => console.error(line)))
      : [];
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= Promise.all([app.close(), ...indexing.map((job) => job.stop())]).then(closeAll);
      return closing;
    };
    return { app, broker, mounts, url, apiKey, close };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** What is served, for the ready line: the root catalog, then the mounted ones by name. */
function servedText(catalog: CatalogChoice | undefined, mounts: string[]): string {
  const named = mounts.length === 0 ? "" : `catalog${mounts.length > 1 ? "s" : ""} ${mounts.join(", ")}`;
  if (catalog === undefined) return named;
  return mounts.length === 0 ? catalogLabel(catalog) : `${catalogLabel(catalog)} and ${named}`;
}

/**
 * Where each mounted catalog's runs are listed, and how the Python client reaches one: `c[NAME]` when the
 * root lists the catalogs; beside a root catalog, whose `c[key]` is a uid lookup, by the catalog's own URL.
 */
function printMounts(server: RunningServer, key: string, hasRoot: boolean): void {
  const names = Object.keys(server.mounts);
  for (const name of names)
    console.log(
      `  ${`${name}:`.padEnd(16)} ${server.url}/api/v1/search/${encodeURIComponent(name)}?api_key=${key}`,
    );
  if (names.length === 0) return;
  const [first] = names;
  console.log(
    hasRoot
      ? `  in Python:       from_uri("${server.url}/api/v1/metadata/${encodeURIComponent(first)}", api_key="${key}") is a catalog of runs`
      : `  in Python:       c[${JSON.stringify(first)}] is a catalog of runs`,
  );
}

/** What a user needs to start: the browser URL with the key, the Python line, the key itself. */
export async function printReady(
  server: RunningServer,
  catalog: CatalogChoice | undefined,
  isPublic: boolean,
): Promise<void> {
  const { url, apiKey } = server;
  const served = servedText(catalog, Object.keys(server.mounts));
  const policy = await server.broker.access.policy();
  const memberships = policy.state?.memberships;
  if (memberships) {
    // Memberships decide who sees what: the single-user key is not taken.
    console.log(`databroker is serving ${served} at ${url}/ with access control`);
    console.log(
      `  ${memberships.users.length} users, ${memberships.proposals.length} proposals, ${memberships.beamtimes.length} beamtimes (databroker access list)`,
    );
    console.log(
      `  sign in with a key: databroker keys create --catalog ${catalogLabel(catalog ?? server.broker.store.uri)} --user ID, then 'Authorization: Apikey <key>'`,
    );
    console.log(
      `  Python:          from tiled.client import from_uri; c = from_uri("${url}", api_key="<key>")`,
    );
    printMounts(server, "<key>", catalog !== undefined);
    if (process.env.DATABROKER_API_KEY || isPublic)
      console.log(
        "  note: --api-key, DATABROKER_API_KEY and --public are for single-user mode and are not used",
      );
    console.log("Press Ctrl+C to stop.");
    return;
  }
  console.log(`databroker is serving ${served} at ${url}/${isPublic ? " (public: anyone may read)" : ""}`);
  console.log(`  web page:        ${url}/?api_key=${apiKey}`);
  console.log(`  runs:            ${url}/api/v1/search/?api_key=${apiKey}`);
  console.log(
    `  Python:          from tiled.client import from_uri; c = from_uri("${url}", api_key="${apiKey}")`,
  );
  printMounts(server, apiKey, catalog !== undefined);
  console.log(`  API key:         ${apiKey}`);
  console.log("Press Ctrl+C to stop.");
}

/** Closes the server and the catalog on SIGINT / SIGTERM; a second signal exits at once. */
export function closeOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: closing the server and the catalog`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`databroker: error while closing: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** A whole number of milliseconds, 0 or more (0: no limit). */
function parseBudget(text: string): number {
  const budget = Number(text);
  if (!Number.isInteger(budget) || budget < 0)
    throw new ValidationError(
      `--search-budget-ms ${text}: not a time in milliseconds (a whole number, 0 for none)`,
    );
  return budget;
}

function searchBudgetFromEnv(): number | undefined {
  const text = process.env.DATABROKER_SEARCH_BUDGET_MS;
  return text ? parseBudget(text) : undefined;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ValidationError(`--port ${text}: not a port number (0 to 65535; 0 picks a free port)`);
  return port;
}

type ServeFlags = Omit<ServeOptions, "catalog" | "prepare">;

/** The options shared by `serve` and `start`: listening, file roots, trust of writers' Resources. */
export function withListenOptions(command: Command): Command {
  const listening = withTrustOption(
    withRootMapOption(withFileRootOptions(command)),
    "POSTed runs: only when every key holder is trusted",
  )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", parsePort, 8000)
    .option("--api-key <key>", "the single user's API key (default: $DATABROKER_API_KEY, else a random one)")
    .option("--public", "let anonymous callers read (writing still needs the key)")
    .option(
      "--index",
      "once listening, compute in the background the statistics of fields not indexed yet, as `databroker index` does",
    )
    .option(
      "--oidc-issuer <url>",
      "with memberships: accept bearer tokens of this OIDC issuer (default: $DATABROKER_OIDC_ISSUER)",
    )
    .option(
      "--oidc-audience <aud>",
      "the audience those tokens must name (default: $DATABROKER_OIDC_AUDIENCE)",
    )
    .option(
      "--oidc-jwks-uri <url>",
      "the provider's JWKS, if not discovered from the issuer (default: $DATABROKER_OIDC_JWKS_URI)",
    )
    .option(
      "--oidc-user-claim <claim>",
      "the token claim naming the user (default: $DATABROKER_OIDC_USER_CLAIM, else sub)",
    )
    .option(
      "--oidc-client-id <id>",
      "the public client the web page signs in as (code flow with PKCE; default: $DATABROKER_OIDC_CLIENT_ID, else no OIDC sign-in on the page)",
    )
    .option(
      "--trusted-proxy <addresses>",
      "with memberships: believe the user header from these proxy IPs/CIDRs, comma-separated (default: $DATABROKER_TRUSTED_PROXY)",
    )
    .option(
      "--proxy-user-header <name>",
      "the header the proxy sets (default: $DATABROKER_PROXY_USER_HEADER, else X-Forwarded-User)",
    )
    .option(
      "--search-budget-ms <ms>",
      "time one search request may take before it answers 503 (default: $DATABROKER_SEARCH_BUDGET_MS, else 10000; 0: no limit)",
      parseBudget,
    );
  return withLimitOptions(listening);
}

/** What each ingest limit bounds, for --help. */
const LIMIT_HELP: Record<keyof IngestLimits, string> = {
  maxBodyBytes: "bytes of one POSTed body, refused with 413 as it arrives",
  maxDocumentBytes: "bytes of one document in a POSTed body (422)",
  maxStringLength: "characters of one string in a POSTed document other than an event (422)",
  maxDocuments: "documents in one POST, each event counted (422)",
};

/** The ingest limits' flags (ingestLimits.ts), each defaulting to its environment variable, else its default. */
function withLimitOptions(command: Command): Command {
  for (const limit of Object.keys(LIMIT_SETTINGS) as Array<keyof IngestLimits>) {
    const { flag, env } = LIMIT_SETTINGS[limit];
    command.option(
      `${flag} <n>`,
      `${LIMIT_HELP[limit]} (default: $${env}, else ${DEFAULT_INGEST_LIMITS[limit]})`,
      (text: string) => parseByteCount(text, flag),
    );
  }
  return command;
}

/** Why a listen failed, with its remedy, for the usual causes; undefined for any other error. */
function listenFailure(error: unknown, flags: ServeFlags): string | undefined {
  const { code } = error as NodeJS.ErrnoException;
  if (code === "EADDRINUSE")
    return `${flags.host}:${flags.port} is already in use (another server?): choose another with --port`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${flags.host}: no such address here (--host)`;
  if (code === "EACCES") return `not allowed to listen on ${flags.host}:${flags.port} (ports below 1024?)`;
  return undefined;
}

/** Serves until a signal; prints the ready lines once listening, or why it could not start (exit code 2). */
export async function runServer(
  catalog: CatalogChoice | undefined,
  flags: ServeFlags,
  prepare?: ServeOptions["prepare"],
) {
  let server: RunningServer;
  try {
    server = await serveCatalog({ catalog, ...flags, prepare });
  } catch (error) {
    process.exitCode = reportCliFailure(error, undefined, { message: listenFailure(error, flags) });
    return;
  }
  closeOnSignals(server);
  await printReady(server, catalog, flags.public === true);
}

export function registerServe(program: Command): void {
  withListenOptions(
    withMountOption(
      withCatalogOption(program.command("serve"), "serve at the root").description(
        "serve a catalog over HTTP (Tiled-compatible API for the Python client, browsers and curl), and others under their names (--mount)",
      ),
    ),
  ).action(
    async (
      flags: ServeFlags & { catalog: CatalogChoice; mount?: Record<string, CatalogChoice> },
      command: Command,
    ) => {
      const { catalog, mount: mounts, ...listen } = flags;
      // With mounts, the root catalog is only one asked for (flag, environment or the configuration's
      // default): else the root lists the mounted catalogs.
      const asked = command.getOptionValueSource("catalog") !== "default";
      await runServer(mounts && !asked ? undefined : catalog, { ...listen, mounts });
    },
  );
}
