// `/openapi.json`, `/docs` (a plain page listing the routes from the OpenAPI document) and the JSON answer of
// `/` (webPage.ts answers browsers), which points at both and at the API root (the Python client probes `/`
// first and accepts any answer).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendJson } from "../json.ts";
import { Links } from "../links.ts";
import { openApiDocument, ROUTE_DOCS } from "../openapi.ts";
import { aboutDocument } from "./about.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[char]};`);
}

function docsPage(): string {
  const rows = ROUTE_DOCS.map((route) => {
    const parameters = (route.parameters ?? [])
      .map(([name, description]) => `<li><code>${escapeHtml(name)}</code> ${escapeHtml(description)}</li>`)
      .join("");
    return `<h2><code>${route.method.toUpperCase()} ${escapeHtml(route.path)}</code></h2><p>${escapeHtml(route.summary)}</p>
<ul>${parameters}</ul><p>Answers: ${route.produces.map((type) => `<code>${escapeHtml(type)}</code>`).join(", ")}</p>`;
  }).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>databroker API</title></head><body>
<h1>databroker HTTP API</h1><p>Tiled-compatible. Machine-readable: <a href="/openapi.json">/openapi.json</a>.
Authenticate with the header <code>Authorization: Apikey &lt;key&gt;</code> or <code>?api_key=</code>.</p>
${rows}</body></html>`;
}

export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get("/openapi.json", async (request, reply) => {
    const links = Links.of(request);
    const version = aboutDocument(links, undefined).library_version as string;
    return sendJson(reply, openApiDocument(links.base, version));
  });
  app.get("/docs", async (_request, reply) => reply.type("text/html; charset=utf-8").send(docsPage()));
}

/** `/` for a client other than a browser: where the API, its route list and its OpenAPI document are. */
export function sendRootLinks(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const links = Links.of(request);
  return sendJson(reply, {
    api: `${links.api}/`,
    docs: `${links.base}/docs`,
    openapi: `${links.base}/openapi.json`,
  });
}
