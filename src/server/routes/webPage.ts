// The web page (web/, built by Vite into dist/web/): `/` for browsers (others keep the JSON links of
// apiDocs.ts), `/run/*` (the page's run view, routed in the browser), `/assets/*`, the built files, and
// `/favicon.ico`, which every browser asks for. The shell holds no data: everything it shows comes through
// the authorized API, so these routes are open.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendJson } from "../json.ts";
import { parseAccept } from "../serializers.ts";
import { sendRootLinks } from "./apiDocs.ts";

/**
 * dist/web of the package this module belongs to: the nearest folder above it holding package.json is the
 * package root, whether this runs as src/server/routes/webPage.ts (tsx, a clone) or bundled in dist/*.js.
 */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "dist", "web");
}

/**
 * Only the page's own scripts run (no inline script, no eval), it talks to this origin only (and to the OIDC
 * provider's, whose discovery and token endpoints the page's sign-in fetches), and no other site may frame
 * it. Inline styles stay allowed: uPlot and Preact set style attributes.
 */
function contentSecurityPolicy(oidcIssuer: string | undefined): string {
  const connect = oidcIssuer ? `'self' ${new URL(oidcIssuer).origin}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}

function htmlHeaders(oidcIssuer: string | undefined): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": contentSecurityPolicy(oidcIssuer),
    "x-content-type-options": "nosniff",
    // The sign-in URL carries ?api_key=: no other site may learn it from a Referer.
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-cache",
  };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>databroker</title></head><body>
<h1>databroker</h1>
<p>The web page has not been built: run <code>npm run build</code>.</p>
<p>The HTTP API answers meanwhile: <a href="/docs">/docs</a> lists its routes, <a href="/api/v1/">/api/v1/</a> is its root.</p>
</body></html>
`;

const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * A built file's name, one path segment of Vite's output: no '/', '\', '..', leading dot or absolute path
 * can pass, so the file read is always inside assets/.
 */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Whether the caller prefers HTML (a browser opening the page) over everything else it accepts. */
function prefersHtml(request: FastifyRequest): boolean {
  const first = parseAccept(request.headers.accept ?? "")[0]?.type;
  return first === "text/html" || first === "application/xhtml+xml";
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

export interface WebPageOptions {
  /** The built page (index.html, assets/); default: dist/web of this package. */
  webRoot?: string;
  /** The OIDC provider the page may sign in with (its origin is added to connect-src). */
  oidcIssuer?: string;
}

export async function webPageRoutes(app: FastifyInstance, options: WebPageOptions): Promise<void> {
  const root = options.webRoot ?? defaultWebRoot();
  const assets = join(root, "assets");
  const headers = htmlHeaders(options.oidcIssuer);

  // Read at every request (a small file): a rebuild while the server runs is served at once.
  async function sendPage(reply: FastifyReply): Promise<FastifyReply> {
    const page = await readIfExists(join(root, "index.html"));
    reply.headers(headers);
    return page ? reply.send(page) : reply.code(503).send(NOT_BUILT);
  }

  app.get("/", async (request, reply) => {
    reply.header("vary", "Accept"); // one URL, two answers: a cache must not hand the page to a client
    return prefersHtml(request) ? sendPage(reply) : sendRootLinks(request, reply);
  });
  app.get("/run/*", async (_request, reply) => sendPage(reply));
  // The build's icon (web/public/favicon.ico) when it has one; else "no content" rather than a 404 that the
  // browser's console reports as an error of the page.
  app.get("/favicon.ico", async (_request, reply) => {
    const icon = await readIfExists(join(root, "favicon.ico"));
    reply.header("cache-control", "public, max-age=86400");
    return icon ? reply.type(ASSET_TYPES[".ico"]).send(icon) : reply.code(204).send();
  });
  app.get("/assets/*", async (request, reply) => {
    const name = (request.params as { "*": string })["*"];
    const type = ASSET_TYPES[extname(name)];
    const body = ASSET_NAME.test(name) && type ? await readIfExists(join(assets, name)) : undefined;
    if (!body) return sendJson(reply.code(404), { detail: "Not Found" });
    // Vite names each file by its content's hash: a name never changes meaning.
    reply.header("cache-control", "public, max-age=31536000, immutable");
    return reply.type(type).header("x-content-type-options", "nosniff").send(body);
  });
}
