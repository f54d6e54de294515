// The HTTP server: a fastify app exposing a Broker through Tiled's API (the v2 BlueskyRun layout the Python
// client reads), plus ingest. Thin: routes resolve a node, ask the broker, pick a serializer, send.

import compress from "@fastify/compress";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import type { Broker } from "../broker/index.ts";
import { type AuthOptions, authPlugin } from "./auth.ts";
import { CatalogTree } from "./CatalogTree.ts";
import { answerClientError } from "./clientErrors.ts";
import { replyWithError } from "./errorReply.ts";
import { closeIdleConnections } from "./idleConnections.ts";
import { type IngestLimits, ingestLimitsOf } from "./ingest/ingestLimits.ts";
import { sendJson } from "./json.ts";
import { newRequestId, sendRequestIds } from "./requestIds.ts";
import { methodsAt } from "./routeAccess.ts";
import { aboutRoutes } from "./routes/about.ts";
import { accessRoutes } from "./routes/access.ts";
import { aliasRoutes } from "./routes/alias.ts";
import { annotationRoutes } from "./routes/annotations.ts";
import { apiDocsRoutes } from "./routes/apiDocs.ts";
import { apiKeyRoutes } from "./routes/apiKeys.ts";
import { arrayRoutes } from "./routes/arrays.ts";
import { containerRoutes } from "./routes/containers.ts";
import { deleteRunRoutes } from "./routes/deleteRun.ts";
import { distinctRoutes } from "./routes/distinct.ts";
import { documentsRoutes } from "./routes/documents.ts";
import { fieldsRoutes } from "./routes/fields.ts";
import { metadataRoutes } from "./routes/metadata.ts";
import { metadataUpdateRoutes } from "./routes/metadataUpdates.ts";
import { provenanceRoutes } from "./routes/provenance.ts";
import { runDocumentsRoutes } from "./routes/runDocuments.ts";
import { searchRoutes } from "./routes/search.ts";
import { streamRoutes } from "./routes/stream.ts";
import { tableRoutes } from "./routes/tables.ts";
import { webPageRoutes } from "./routes/webPage.ts";
import { whoamiRoutes } from "./routes/whoami.ts";
import { closeSilentConnectionsOnClose } from "./silentConnections.ts";

/** How long the server waits on a client before giving up on it. */
export interface ServerTimeouts {
  /** An upload that brings no data for this long is cut with a 408 (default 30 s). */
  bodyIdleMs?: number;
  /**
   * A connection on which no byte moves for this long, while no request is being worked on or while an
   * answer is being sent, is closed (default 120 s).
   */
  socketIdleMs?: number;
  /** A live stream (SSE, websocket) with nothing to send shows it is alive this often (default 15 s). */
  heartbeatMs?: number;
}

/** How long one search request (search, distinct, container listing) may take by default. */
export const DEFAULT_SEARCH_BUDGET_MS = 10_000;

export interface ServerOptions {
  /** The catalog served at the root (its runs by uid); optional when `catalogs` names some. */
  broker?: Broker;
  /**
   * Named catalogs, each served under its name (`/api/v1/metadata/<name>/<uid>/...`), listed in this order;
   * a path's first segment is a catalog's name first, then a run of `broker`. Without `broker`, the root is
   * a container of these catalogs. Names: not empty, no '/', not starting with '.'.
   */
  catalogs?: Record<string, Broker>;
  /** The time budget of one search request, past which it answers 503 (default 10 s; 0: no limit). */
  searchBudgetMs?: number;
  auth?: AuthOptions;
  timeouts?: ServerTimeouts;
  logger?: boolean;
  /** The limits of one ingest request (ingest/ingestLimits.ts); each unset one has its default (not the environment's). */
  limits?: Partial<IngestLimits>;
  /**
   * Accept Resources and StreamResources whose files lie outside the broker's file roots (refused with a
   * `file-root` finding by default): only when the operator trusts every writer.
   */
  trustResourcePaths?: boolean;
  /** The built web page (index.html, assets/); default: dist/web of this package. */
  webRoot?: string;
}

/**
 * Answers worth compressing: JSON, json-seq, msgpack and text. Binary array data (Arrow, octet-stream) is
 * sent as it is: gzip even at level 1 runs ~10x slower than the read it follows for ~10% fewer bytes of
 * floating-point data, and the Python client offers gzip on every request.
 */
const COMPRESSIBLE = /^(application\/(json|json-seq|x-msgpack)|text\/)/;

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const budget = options.searchBudgetMs ?? DEFAULT_SEARCH_BUDGET_MS;
  const catalogs = CatalogTree.of(options.broker, options.catalogs).map((broker) =>
    broker.withSearchBudget(budget > 0 ? budget : undefined),
  );
  // Routes without a path (keys, whoami, memberships) and sign-in work on the primary catalog: the root
  // catalog, else the first named one. Its access policy decides what callers see in every catalog.
  const broker = catalogs.primary;
  const socketIdleMs = options.timeouts?.socketIdleMs ?? 120_000;
  const app = Fastify({
    logger: options.logger ?? false,
    connectionTimeout: socketIdleMs,
    // A client's own id header is not trusted: ids must be unique to find an error in the log.
    requestIdHeader: false,
    genReqId: newRequestId,
    clientErrorHandler: answerClientError,
  });
  closeIdleConnections(app, socketIdleMs);
  closeSilentConnectionsOnClose(app);
  sendRequestIds(app);
  app.setErrorHandler(replyWithError);
  // A path some route answers with another method is a 405 naming them (a HEAD on the POST-only ingest
  // route, say), not a 404 that says the path does not exist.
  app.setNotFoundHandler((request, reply) => {
    const allowed = methodsAt(request.url.split("?")[0]);
    if (allowed.length === 0) return sendJson(reply.code(404), { detail: "Not Found" });
    reply.code(405).header("allow", allowed.join(", "));
    return sendJson(reply, {
      detail: `Method Not Allowed: ${request.method} (allowed: ${allowed.join(", ")})`,
    });
  });
  // gzip (or deflate) when the client offers it; level 1 as Tiled uses: speed over ratio.
  await app.register(compress, {
    threshold: 1000,
    encodings: ["gzip", "deflate"],
    customTypes: COMPRESSIBLE,
    zlibOptions: { level: 1 },
  });
  // The plugin falls back on mime-db, which calls octet-stream compressible: other types opt out through
  // its own opt-out header, set here before its onSend (a route's hook) runs.
  app.addHook("onSend", async (request, reply, payload) => {
    if (!COMPRESSIBLE.test(String(reply.getHeader("content-type") ?? "application/json"))) {
      request.headers["x-no-compression"] = "1";
    }
    return payload;
  });

  // --- helper L's plugins: the principal of every request first, then ingest (POST /api/v1/documents/) ---
  await app.register(authPlugin, { ...options.auth, access: broker.access });
  await app.register(documentsRoutes, {
    catalogs,
    bodyIdleMs: options.timeouts?.bodyIdleMs ?? 30_000,
    limits: ingestLimitsOf(options.limits, {}),
    trustResourcePaths: options.trustResourcePaths,
  });

  // --- the read API ---
  await app.register(aboutRoutes, { auth: options.auth });
  await app.register(whoamiRoutes, { broker });
  await app.register(apiKeyRoutes, { broker });
  await app.register(accessRoutes, { catalogs });
  await app.register(apiDocsRoutes);
  await app.register(webPageRoutes, { webRoot: options.webRoot, oidcIssuer: options.auth?.oidc?.issuer });
  await app.register(metadataRoutes, { catalogs });
  await app.register(aliasRoutes, { catalogs });
  await app.register(deleteRunRoutes, { catalogs });
  await app.register(metadataUpdateRoutes, { catalogs });
  await app.register(annotationRoutes, { catalogs });
  await app.register(searchRoutes, { catalogs });
  await app.register(distinctRoutes, { catalogs });
  await app.register(fieldsRoutes, { catalogs });
  await app.register(arrayRoutes, { catalogs });
  await app.register(tableRoutes, { catalogs });
  await app.register(containerRoutes, { catalogs });
  await app.register(runDocumentsRoutes, { catalogs });
  await app.register(websocket);
  await app.register(streamRoutes, {
    catalogs,
    heartbeatMs: options.timeouts?.heartbeatMs,
    idleMs: socketIdleMs,
  });
  await app.register(provenanceRoutes, { catalogs });
  return app;
}
