// GET /api/v1/distinct/{path}: distinct values of metadata keys over the catalog's runs matching the
// filters, as Tiled answers: {metadata: {key: [{value, count}]}, structure_families, specs}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { queryFromTiledParams } from "../../queries/index.ts";
import { MethodNotAllowedError } from "../errors.ts";
import { partialAnswer } from "../federationReports.ts";
import { sendJson } from "../json.ts";
import { queryKeyOf } from "../metadataKeys.ts";
import { CatalogNode } from "../nodes/CatalogNode.ts";
import { booleanOf, listOf, paramsOf } from "../requestParams.ts";
import { nodeOf, type ReadRoutesOptions } from "./reply.ts";

export async function distinctRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const node = await nodeOf(request, options.catalogs, "distinct");
    if (!(node instanceof CatalogNode))
      throw new MethodNotAllowedError("distinct is offered on a catalog only");
    const params = paramsOf(request);
    const counts = booleanOf(params, "counts", false);
    const broker = node.broker.search(queryFromTiledParams(params));
    const metadata: Record<string, unknown[]> = {};
    for (const key of listOf(params, "metadata")) {
      const values = await broker.distinct(queryKeyOf(key), { counts: true });
      metadata[key] = values.map(({ value, count }) => ({ value, count: counts ? count : null }));
    }
    const total = await broker.count();
    const all = (value: unknown) => (total > 0 ? [{ value, count: counts ? total : null }] : []);
    return sendJson(reply, {
      metadata,
      structure_families: booleanOf(params, "structure_families", false) ? all("container") : [],
      specs: booleanOf(params, "specs", false) ? all([{ name: "BlueskyRun", version: "1" }]) : [],
      ...partialAnswer(request),
    });
  };
  app.get("/api/v1/distinct", handler);
  app.get("/api/v1/distinct/*", handler);
}
