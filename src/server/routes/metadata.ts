// GET /api/v1/metadata/{path}: one node as `{data: ITEM, error, links, meta}`.
import type { FastifyInstance } from "fastify";
import { Links } from "../links.ts";
import { itemOf } from "../nodes/item.ts";
import { fieldsOf, paramsOf } from "../requestParams.ts";
import { sendMetadata } from "../sendMetadata.ts";
import { nodeOf, type ReadRoutesOptions } from "./reply.ts";

export async function metadataRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const handler = async (
    request: import("fastify").FastifyRequest,
    reply: import("fastify").FastifyReply,
  ) => {
    const node = await nodeOf(request, options.broker, "metadata");
    const item = await itemOf(node, Links.of(request), fieldsOf(paramsOf(request)));
    const body = { data: item, error: null, links: { self: item.links.self }, meta: {} };
    return sendMetadata(request, reply, body);
  };
  app.get("/api/v1/metadata", handler);
  app.get("/api/v1/metadata/*", handler);
}
