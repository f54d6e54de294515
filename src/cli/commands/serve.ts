// `databroker serve [--catalog NAME|URI] [--host] [--port] [--api-key KEY | --public] [--search-budget-ms N]
// [--max-body-bytes N] [--max-document-bytes N] [--max-string-length N] [--max-documents N]`:
// serves a catalog over HTTP (the Tiled-compatible API). Single-user mode: one API key, given, from
// DATABROKER_API_KEY, or made up at start-up and printed as a ready URL. SIGINT / SIGTERM close the server,
// then the catalog.
import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { parseByteCount } from "../../assets/environment.ts";
import { Broker } from "../../broker/index.ts";
import { ValidationError } from "../../errors.ts";
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
import { reportCliFailure } from "../errors.ts";
import {
  brokerFileOptions,
  type FileRootFlags,
  withFileRootOptions,
  withRootMapOption,
  withTrustOption,
} from "../fileRootOptions.ts";

export interface ServeOptions extends FileRootFlags, Partial<IngestLimits> {
  /** databroker's root_map: where moved external files are now. */
  rootMap?: Record<string, string>;
  catalog: CatalogChoice;
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
  broker: Broker;
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

export async function serveCatalog(options: ServeOptions): Promise<RunningServer> {
  const apiKey = checkApiKey(options.apiKey ?? (process.env.DATABROKER_API_KEY || newApiKey()));
  const signIn = signInOptions(options);
  const broker = await Broker.open(options.catalog, {
    ...brokerFileOptions(options),
    rootMap: options.rootMap,
  });
  try {
    await options.prepare?.(broker);
    const app = await createServer({
      broker,
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
    const indexing = options.index ? indexInBackground(broker, (line) => console.error(line)) : undefined;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= Promise.all([app.close(), indexing?.stop()]).then(() => broker.close());
      return closing;
    };
    return { app, broker, url, apiKey, close };
  } catch (error) {
    await broker.close();
    throw error;
  }
}

/** What a user needs to start: the browser URL with the key, the Python line, the key itself. */
export async function printReady(
  server: RunningServer,
  catalog: CatalogChoice,
  isPublic: boolean,
): Promise<void> {
  const { url, apiKey } = server;
  const policy = await server.broker.access.policy();
  const memberships = policy.state?.memberships;
  if (memberships) {
    // Memberships decide who sees what: the single-user key is not taken.
    console.log(`databroker is serving ${catalogLabel(catalog)} at ${url}/ with access control`);
    console.log(
      `  ${memberships.users.length} users, ${memberships.proposals.length} proposals, ${memberships.beamtimes.length} beamtimes (databroker access list)`,
    );
    console.log(
      `  sign in with a key: databroker keys create --catalog ${catalogLabel(catalog)} --user ID, then 'Authorization: Apikey <key>'`,
    );
    console.log(
      `  Python:          from tiled.client import from_uri; c = from_uri("${url}", api_key="<key>")`,
    );
    if (process.env.DATABROKER_API_KEY || isPublic)
      console.log(
        "  note: --api-key, DATABROKER_API_KEY and --public are for single-user mode and are not used",
      );
    console.log("Press Ctrl+C to stop.");
    return;
  }
  console.log(
    `databroker is serving ${catalogLabel(catalog)} at ${url}/${isPublic ? " (public: anyone may read)" : ""}`,
  );
  console.log(`  web page:        ${url}/?api_key=${apiKey}`);
  console.log(`  runs:            ${url}/api/v1/search/?api_key=${apiKey}`);
  console.log(
    `  Python:          from tiled.client import from_uri; c = from_uri("${url}", api_key="${apiKey}")`,
  );
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
  catalog: CatalogChoice,
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
    withCatalogOption(program.command("serve"), "serve").description(
      "serve a catalog over HTTP (Tiled-compatible API for the Python client, browsers and curl)",
    ),
  ).action(async (flags: ServeFlags & { catalog: CatalogChoice }) => {
    const { catalog, ...listen } = flags;
    await runServer(catalog, listen);
  });
}
