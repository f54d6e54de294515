// Who may call each route, in one table: authorization is decided on the route the router picked, never on
// the URL's text, and a route missing from the table cannot be registered (deny by default).
import type { Scope } from "../access/scopes.ts";

/**
 * `open`: anyone (holds no data). Otherwise the scope a caller needs (access/scopes.ts): who holds which
 * scope is the access policy's answer. A scope other than `read:*` changes something: a key from a cookie
 * never grants it (a browser sends the cookie on any site's behalf).
 */
export type Access = "open" | Scope;

/** `METHOD pattern` as registered with the router -> its access. HEAD follows GET. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  // The page, the route list and About: what a client fetches before it has a key. The web page's shell
  // and built files hold no data (what it shows comes through the routes below).
  "GET /": "open",
  "GET /run/*": "open",
  "GET /assets/*": "open",
  "GET /favicon.ico": "open",
  "GET /docs": "open",
  "GET /openapi.json": "open",
  "GET /api/v1": "open",
  "GET /api/v1/": "open",
  // Who the caller is (anonymous callers get an answer when they may read), their keys (Tiled's routes).
  "GET /api/v1/auth/whoami": "read:metadata",
  "GET /api/v1/auth/apikey": "read:metadata",
  "POST /api/v1/auth/apikey": "create:apikeys",
  "DELETE /api/v1/auth/apikey": "revoke:apikeys",
  "GET /api/v1/auth/principal": "read:principals",
  "GET /api/v1/auth/principal/*": "read:principals",
  "POST /api/v1/auth/principal/*": "admin:apikeys",
  // The catalog's memberships, their audit, and moving a run to another beamtime.
  "GET /api/v1/access/memberships": "read:principals",
  "PUT /api/v1/access/memberships": "write:principals",
  "GET /api/v1/access/audit": "read:principals",
  "POST /api/v1/access/retag": "write:metadata",
  // Reading runs: metadata, then data. The POST forms carry a list of fields too long for a query string.
  "GET /api/v1/search": "read:metadata",
  "GET /api/v1/search/*": "read:metadata",
  "GET /api/v1/distinct": "read:metadata",
  "GET /api/v1/distinct/*": "read:metadata",
  // Streams and fields of the runs matching filters, with statistics search into data compares too.
  "GET /api/v1/fields": "read:metadata",
  "GET /api/v1/metadata": "read:metadata",
  "GET /api/v1/metadata/*": "read:metadata",
  // A run by its alias (beamline/proposal/beamtime/scan_id), among the runs the caller may see.
  "GET /api/v1/alias/*": "read:metadata",
  "GET /api/v1/container/full": "read:data",
  "GET /api/v1/container/full/*": "read:data",
  "POST /api/v1/container/full/*": "read:data",
  "GET /api/v1/table/full/*": "read:data",
  "POST /api/v1/table/full/*": "read:data",
  "GET /api/v1/table/partition/*": "read:data",
  "POST /api/v1/table/partition/*": "read:data",
  "GET /api/v1/array/full/*": "read:data",
  "GET /api/v1/array/block/*": "read:data",
  "GET /api/v1/documents/*": "read:data",
  // Live data: one run's documents as they are stored; the starts and stops of matching runs (metadata).
  "GET /api/v1/stream/run/*": "read:data",
  "GET /api/v1/stream/runs": "read:metadata",
  // Annotations: the run's metadata layer people add (Tiled's metadata updates and revisions, our routes).
  "PATCH /api/v1/metadata/*": "write:annotations",
  "PUT /api/v1/metadata/*": "write:annotations",
  "GET /api/v1/revisions/*": "read:metadata",
  // [{catalog}/]{uid}: list (GET), create (POST); .../{id}: read, edit (PATCH), delete; .../{id}/revisions.
  "GET /api/v1/annotations/*": "read:metadata",
  "POST /api/v1/annotations/*": "write:annotations",
  "PATCH /api/v1/annotations/*": "write:annotations",
  "DELETE /api/v1/annotations/*": "write:annotations",
  "GET /api/v1/tags": "read:metadata",
  "GET /api/v1/tags/:tag": "read:metadata",
  // Derived runs: a run's provenance record and its lineage graph (metadata only; hidden inputs redacted).
  "GET /api/v1/provenance/*": "read:metadata",
  "GET /api/v1/lineage/*": "read:metadata",
  // Changing the catalog.
  "POST /api/v1/documents/": "write:data",
  "DELETE /api/v1/metadata/*": "delete:node",
};

/** Whether a scope changes something (what a cookie never grants). */
export function changes(access: Access): boolean {
  return access !== "open" && !access.startsWith("read:");
}

/** The access of a route (`url` is its registered pattern), or undefined when the table has no rule. */
export function accessOf(method: string, url: string): Access | undefined {
  return ROUTE_ACCESS[`${method === "HEAD" ? "GET" : method} ${url}`];
}

/** The methods some route answers at `path` (a request's path, no query): what a 405 lists in `Allow`. */
export function methodsAt(path: string): string[] {
  const methods = new Set<string>();
  for (const rule of Object.keys(ROUTE_ACCESS)) {
    const [method, pattern] = rule.split(" ");
    const matches = pattern.endsWith("*")
      ? path.startsWith(pattern.slice(0, -1))
      : matchesParams(pattern, path);
    if (!matches) continue;
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
  }
  return [...methods];
}

/** Whether `path` fits a pattern whose `:name` segments stand for any one non-empty segment. */
function matchesParams(pattern: string, path: string): boolean {
  if (!pattern.includes(":")) return path === pattern;
  const expected = pattern.split("/");
  const actual = path.split("/");
  return (
    expected.length === actual.length &&
    expected.every((segment, i) => (segment.startsWith(":") ? actual[i] !== "" : segment === actual[i]))
  );
}
