// GET /api/v1/metadata/{path}: one node as `{data: ITEM, error, links, meta}`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Links } from "../links.ts";
import { itemOf } from "../nodes/item.ts";
import type { Node } from "../nodes/Node.ts";
import { fieldsOf, paramsOf } from "../requestParams.ts";
import { sendMetadata } from "../sendMetadata.ts";
import { nodeOf, type ReadRoutesOptions } from "./reply.ts";

/** A node's metadata answer (the `fields` parameter narrows it); its links name the node's own path. */
export async function sendNodeMetadata(
  request: FastifyRequest,
  reply: FastifyReply,
  node: Node,
): Promise<FastifyReply> {
  const item = await itemOf(node, Links.of(request), fieldsOf(paramsOf(request)));
  const body = { data: item, error: null, links: { self: item.links.self }, meta: {} };
  return sendMetadata(request, reply, body);
}

export async function metadataRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) =>
    sendNodeMetadata(request, reply, await nodeOf(request, options.catalogs, "metadata"));
  app.get("/api/v1/metadata", handler);
  app.get("/api/v1/metadata/*", handler);
}
