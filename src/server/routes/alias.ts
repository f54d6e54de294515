// GET /api/v1/alias/{beamline}/{proposal}/{beamtime}/{scan_id|latest|-N}: the run an alias names among the
// runs the caller may see, answered as GET /api/v1/metadata/{uid} answers it (200, not a redirect: one
// round trip, and no client has to carry its credentials across one), with `Content-Location` and
// `links.self` naming that canonical URL. Our own route: under /metadata/ the alias's parts would read as a
// Tiled path (run/stream/...). An alias the caller may not resolve is 404, with the body of one that names
// no run.
import type { FastifyInstance } from "fastify";
import { runAliasFromParts } from "../../catalog/RunAlias.ts";
import { NotFoundError } from "../../errors.ts";
import { Links } from "../links.ts";
import { RunNode } from "../nodes/RunNode.ts";
import { nodePathOf } from "../requestParams.ts";
import { sendNodeMetadata } from "./metadata.ts";
import { type ReadRoutesOptions, requestCatalog } from "./reply.ts";

export const ALIAS_ROUTE = "alias";

export async function aliasRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.get(`/api/v1/${ALIAS_ROUTE}/*`, async (request, reply) => {
    const parts = nodePathOf(request, ALIAS_ROUTE);
    if (parts.length !== 4)
      throw new NotFoundError(
        `No such entry: an alias is /api/v1/${ALIAS_ROUTE}/{beamline}/{proposal}/{beamtime}/{scan_id|latest|-N}, got ${parts.length} part(s)`,
      );
    const catalog = requestCatalog(request, options.broker);
    const summary = await catalog.findAlias(runAliasFromParts(parts));
    reply.header("content-location", Links.of(request).route("metadata", [summary.uid]));
    return sendNodeMetadata(request, reply, await RunNode.of(catalog, summary));
  });
}
