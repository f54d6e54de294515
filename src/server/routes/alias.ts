// GET /api/v1/alias/[{catalog}/]{beamline}/{proposal}/{beamtime}/{scan_id|latest|-N}: the run an alias names
// among the runs of the catalog (a named one, else the root's) the caller may see, answered as GET /api/v1/metadata/{uid} answers it (200, not a redirect: one
// round trip, and no client has to carry its credentials across one), with `Content-Location` and
// `links.self` naming that canonical URL. Our own route: under /metadata/ the alias's parts would read as a
// Tiled path (run/stream/...). An alias the caller may not resolve is 404, with the body of one that names
// no run.
import type { FastifyInstance } from "fastify";
import { runAliasFromParts } from "../../catalog/RunAlias.ts";
import { NotFoundError } from "../../errors.ts";
import { Links } from "../links.ts";
import { RunNode } from "../nodes/RunNode.ts";
import { sendNodeMetadata } from "./metadata.ts";
import { pathCatalogOf, type ReadRoutesOptions } from "./reply.ts";

export const ALIAS_ROUTE = "alias";

export async function aliasRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.get(`/api/v1/${ALIAS_ROUTE}/*`, async (request, reply) => {
    const { catalog, path, rest } = pathCatalogOf(request, options.catalogs, ALIAS_ROUTE);
    if (rest.length !== 4)
      throw new NotFoundError(
        `No such entry: an alias is /api/v1/${ALIAS_ROUTE}/{beamline}/{proposal}/{beamtime}/{scan_id|latest|-N} (after a catalog's name, if any), got ${rest.length} part(s)`,
      );
    const summary = await catalog.findAlias(runAliasFromParts([...rest]));
    reply.header("content-location", Links.of(request).route("metadata", [...path, summary.uid]));
    return sendNodeMetadata(request, reply, await RunNode.of(catalog, summary, path));
  });
}
