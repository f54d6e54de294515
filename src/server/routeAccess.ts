// Who may call each route, in one table: authorization is decided on the route the router picked, never on
// the URL's text, and a route missing from the table cannot be registered (deny by default).

/**
 * `open`: anyone (holds no data). `read`: the key holder, or anyone on a public server. `write`: the key
 * holder sending the key in a header (a cookie only reads: a browser sends it on any site's behalf).
 */
export type Access = "open" | "read" | "write";

/** `METHOD pattern` as registered with the router -> its access. HEAD follows GET. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  // The page, the route list and About: what a client fetches before it has a key.
  "GET /": "open",
  "GET /docs": "open",
  "GET /openapi.json": "open",
  "GET /api/v1": "open",
  "GET /api/v1/": "open",
  // Who the caller is: anonymous on a public server, refused without a key otherwise.
  "GET /api/v1/auth/whoami": "read",
  // Reading runs. The POST forms carry a list of fields too long for a query string; they change nothing.
  "GET /api/v1/search": "read",
  "GET /api/v1/search/*": "read",
  "GET /api/v1/distinct": "read",
  "GET /api/v1/distinct/*": "read",
  "GET /api/v1/metadata": "read",
  "GET /api/v1/metadata/*": "read",
  "GET /api/v1/container/full": "read",
  "GET /api/v1/container/full/*": "read",
  "POST /api/v1/container/full/*": "read",
  "GET /api/v1/table/full/*": "read",
  "POST /api/v1/table/full/*": "read",
  "GET /api/v1/table/partition/*": "read",
  "POST /api/v1/table/partition/*": "read",
  "GET /api/v1/array/full/*": "read",
  "GET /api/v1/array/block/*": "read",
  "GET /api/v1/documents/*": "read",
  // Changing the catalog.
  "POST /api/v1/documents/": "write",
  "DELETE /api/v1/metadata/*": "write",
};

/** The access of a route (`url` is its registered pattern), or undefined when the table has no rule. */
export function accessOf(method: string, url: string): Access | undefined {
  return ROUTE_ACCESS[`${method === "HEAD" ? "GET" : method} ${url}`];
}

/** The methods some route answers at `path` (a request's path, no query): what a 405 lists in `Allow`. */
export function methodsAt(path: string): string[] {
  const methods = new Set<string>();
  for (const rule of Object.keys(ROUTE_ACCESS)) {
    const [method, pattern] = rule.split(" ");
    const matches = pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
    if (!matches) continue;
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
  }
  return [...methods];
}
