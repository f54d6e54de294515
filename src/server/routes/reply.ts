// What every data route does last: the node a path names (of the family the route serves, else Tiled's
// 404), and the chosen format's body sent with its exact media type (and a download name when asked).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Broker, Run } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { requestReport } from "../federationReports.ts";
import type { Node } from "../nodes/Node.ts";
import { resolveNode } from "../nodes/resolveNode.ts";
import { nodePathOf, paramsOf } from "../requestParams.ts";
import type { Body } from "../serializers.ts";
import { catalogVisibleTo } from "../visibleCatalog.ts";

export interface ReadRoutesOptions {
  /** The catalogs the server serves (CatalogTree.ts). */
  catalogs: CatalogTree;
}

/**
 * The catalog as the caller may see it, its searches sharing one time budget from now to the answer and one
 * report of a federation's failed sources (federationReports.ts).
 */
export function requestCatalog(request: FastifyRequest, broker: Broker): Broker {
  return catalogVisibleTo(broker, request).withinBudget().reportingTo(requestReport(request));
}

/** The node of the request's path (a catalog's name first, CatalogTree.ts) as the caller may see it. */
export function nodeOf(request: FastifyRequest, catalogs: CatalogTree, route: string): Promise<Node> {
  return resolveNode(catalogs, nodePathOf(request, route), (broker) => requestCatalog(request, broker));
}

/** A catalog in the caller's view, where it is mounted, and the rest of a path within it. */
export interface RequestCatalog {
  catalog: Broker;
  /** `[]` for the root catalog, `[name]` for a named one. */
  path: readonly string[];
  rest: readonly string[];
}

/** How a route sees a catalog: as the caller may, within the request's search budget by default. */
type CatalogView = (request: FastifyRequest, broker: Broker) => Broker;

/** The caller's view with no deadline for the request (each search keeps its own budget): ingest, live streams. */
export const callerView: CatalogView = (request, broker) => catalogVisibleTo(broker, request);

/** The catalog the request's path enters (a catalog's name first, else the root's), as the caller sees it. */
export function pathCatalogOf(
  request: FastifyRequest,
  catalogs: CatalogTree,
  route: string,
  view: CatalogView = requestCatalog,
): RequestCatalog {
  const path = nodePathOf(request, route);
  const located = catalogs.locate(path);
  // The tree's own root holds catalogs, no runs: as a run route's path, it names no entry.
  if ("treeRoot" in located)
    throw new NotFoundError(`No such entry: [] (name a catalog: ${catalogs.names.join(", ")})`);
  const { catalog, rest } = located;
  return { catalog: view(request, catalog.broker), path: catalog.path, rest };
}

/**
 * The catalog a route without a node path works on: the one its `catalog` query parameter names, else the
 * primary catalog (the root's, else the first named one), as the caller sees it.
 */
export function namedCatalogOf(
  request: FastifyRequest,
  catalogs: CatalogTree,
  view: CatalogView = requestCatalog,
): Broker {
  return view(request, catalogs.catalogNamed(paramsOf(request).get("catalog")));
}

/** The run of a run route's path (`{uid}` or `{catalog}/{uid}`) in the caller's view of its catalog. */
export async function pathRunOf(
  request: FastifyRequest,
  catalogs: CatalogTree,
  route: string,
): Promise<{ catalog: Broker; run: Run }> {
  const { catalog, rest } = pathCatalogOf(request, catalogs, route);
  return { catalog, run: await exactRunOf(catalog, rest) };
}

/**
 * The run whose start uid is exactly the one segment of a route's path, among the runs `catalog` (the
 * caller's view) holds; any other path, a missing run and a hidden run all answer the same 404.
 */
export async function exactRunOf(catalog: Broker, path: readonly string[]): Promise<Run> {
  const noSuchEntry = new NotFoundError(`No such entry: [${path.map((key) => `'${key}'`).join(", ")}]`);
  if (path.length !== 1) throw noSuchEntry;
  const [uid] = path;
  // Exactly this uid (a prefix is not a path).
  return catalog
    .search({ op: "eq", key: "uid", value: uid })
    .run(uid)
    .catch((error: unknown) => {
      throw error instanceof NotFoundError ? noSuchEntry : error;
    });
}

/** A route meant for another family answers as Tiled does: 404. */
export function wrongFamily(node: Node, route: string): NotFoundError {
  return new NotFoundError(`No such entry: /${node.path.join("/")} is not served by ${route}`);
}

export async function sendBody(
  request: FastifyRequest,
  reply: FastifyReply,
  mediaType: string,
  body: Body | Promise<Body>,
  /** The download name when the request gives no `filename`. */
  defaultName?: () => Promise<string | undefined>,
): Promise<FastifyReply> {
  const resolved = await body;
  const filename = paramsOf(request).get("filename") ?? (await defaultName?.());
  if (filename)
    reply.header("Content-Disposition", `attachment; filename="${filename.replace(/["\\\r\n]/g, "_")}"`);
  // Bytes, never a string: fastify would append `; charset=utf-8` to the exact media type.
  const payload =
    typeof resolved === "string"
      ? Buffer.from(resolved)
      : resolved instanceof Uint8Array
        ? Buffer.from(resolved.buffer, resolved.byteOffset, resolved.byteLength)
        : resolved;
  return reply.type(mediaType).send(payload);
}
