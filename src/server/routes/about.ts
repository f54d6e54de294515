// About (`GET /api/v1/`): public, every field the Python client validates (contract §3a): api_version,
// library_version (PEP 440), formats and aliases per family/spec, query names, authentication, links, meta.
import type { FastifyInstance } from "fastify";
import { exportFormats } from "../../exports/index.ts";
import { PACKAGE_VERSION } from "../../packageVersion.ts";
import { type AuthOptions, authenticationRequired } from "../auth.ts";
import { sendJson } from "../json.ts";
import { Links } from "../links.ts";
import { ALL_FORMATS, tableFormats } from "../serializers.ts";

const LIBRARY_VERSION = PACKAGE_VERSION;

/** Every `filter[<name>]` the search route understands (queries/tiledParams.ts decodes them). */
export const QUERY_NAMES = [
  "fulltext",
  "lookup",
  "keys_filter",
  "regex",
  "eq",
  "noteq",
  "comparison",
  "contains",
  "in",
  "notin",
  "keypresent",
  "like",
  "specs",
  "structure_family",
  "query",
  "scan_id",
  "scan_id_range",
  "partial_uid",
  "time_range",
  "fuzzy",
];

/** Who may sign in how: required only in single-user mode without --public; the OIDC provider when one is set. */
function authenticationOf(auth: AuthOptions | undefined, enforced: boolean): Record<string, unknown> {
  const providers = auth?.oidc
    ? [
        {
          provider: "oidc",
          mode: "external",
          links: { auth_endpoint: auth.oidc.issuer },
          confirmation_message: null,
          // Ours: the public client the web page signs in as (none: the page offers API keys only).
          client_id: auth.oidc.clientId ?? null,
        },
      ]
    : [];
  // With memberships anyone may read released runs: signing in is not required to call the API.
  return { required: !enforced && authenticationRequired(auth), providers, links: null };
}

export function aboutDocument(
  links: Links,
  auth: AuthOptions | undefined,
  enforced = false,
): Record<string, unknown> {
  const formats: Record<string, string[]> = {};
  const aliases: Record<string, Record<string, string[]>> = {};
  for (const registry of ALL_FORMATS) {
    formats[registry.name] = registry.mediaTypes;
    aliases[registry.name] = registry.aliases();
  }
  // Datasets export through the table writers.
  formats.xarray_dataset = tableFormats.mediaTypes;
  aliases.xarray_dataset = tableFormats.aliases();
  return {
    api_version: 0,
    library_version: LIBRARY_VERSION,
    formats,
    aliases,
    queries: QUERY_NAMES,
    authentication: authenticationOf(auth, enforced),
    links: { self: `${links.api}/`, documentation: `${links.base}/docs` },
    // Beyond Tiled's About: the run export formats by name, with what each is (the page lists them).
    meta: {
      root_path: "",
      exports: exportFormats().map((format) => ({
        name: format.name,
        summary: format.summary,
        layout: format.layout,
        carries_documents: format.carriesDocuments,
      })),
    },
  };
}

export async function aboutRoutes(app: FastifyInstance, options: { auth?: AuthOptions }): Promise<void> {
  const about = async (request: import("fastify").FastifyRequest, reply: import("fastify").FastifyReply) =>
    sendJson(reply, aboutDocument(Links.of(request), options.auth, request.policy.enforced));
  app.get("/api/v1/", about);
  app.get("/api/v1", about);
}
