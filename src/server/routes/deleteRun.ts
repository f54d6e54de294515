// DELETE /api/v1/metadata/{uid}: Tiled's node deletion, for a whole run: the run and everything of it go, and
// the catalog's audit records the principal, the time and the optional `reason` parameter. Needs a writer
// (its `write` rule in routeAccess.ts: the key, never a cookie, even on a public server); 204 when deleted,
// 404 for an unknown run.
// Tiled's `recursive` and `external_only` are not needed: a run is only ever deleted whole.
import type { FastifyInstance } from "fastify";
import { actorOf } from "../auth.ts";
import { MethodNotAllowedError } from "../errors.ts";
import { RunNode } from "../nodes/RunNode.ts";
import { paramsOf } from "../requestParams.ts";
import { nodeOf, type ReadRoutesOptions } from "./reply.ts";

export async function deleteRunRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.delete("/api/v1/metadata/*", async (request, reply) => {
    // Resolved as the caller may see it: a run hidden from them is as unknown as a missing one (404).
    const node = await nodeOf(request, options.catalogs, "metadata");
    if (!(node instanceof RunNode))
      throw new MethodNotAllowedError(`only whole runs can be deleted, not /${node.path.join("/")}`);
    const by = actorOf(request);
    const reason = paramsOf(request).get("reason") ?? undefined;
    await node.broker.store.deleteRun(node.summary.uid, { by, reason });
    return reply.code(204).send();
  });
}
