// GET /api/v1/provenance/{uid}: a run's provenance record (inputs the caller may not read shown as
// {inaccessible: true}, no uid) and the runs derived from it that the caller may see.
// GET /api/v1/lineage/{uid}?depth=N&direction=inputs|derived|both: the lineage graph around it
// (provenance/lineage.ts). A run hidden from the caller answers exactly as a missing one: 404.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError } from "../../errors.ts";
import type { LineageDirection } from "../../provenance/lineage.ts";
import { derivedFromQuery } from "../../queries/kinds/derivedFrom.ts";
import { paramsOf } from "../requestParams.ts";
import { sendMetadata } from "../sendMetadata.ts";
import { pathRunOf, type ReadRoutesOptions } from "./reply.ts";

/** `depth` as sent: a whole number, or absent (no limit). */
function depthOf(params: URLSearchParams): number | undefined {
  const text = params.get("depth");
  if (text === null || text.trim() === "") return undefined;
  const depth = Number(text);
  if (!Number.isSafeInteger(depth) || depth < 0)
    throw new ValidationError(`depth must be a whole number of 0 or more, got ${JSON.stringify(text)}`);
  return depth;
}

export async function provenanceRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const visibleRun = (request: FastifyRequest, route: string) => pathRunOf(request, options.catalogs, route);

  app.get("/api/v1/provenance/*", async (request, reply) => {
    const { catalog, run } = await visibleRun(request, "provenance");
    const derived: Array<{ uid: string; scan_id: number | null; plan_name: string | null }> = [];
    const listing = catalog.search(derivedFromQuery(run.uid)).summaries({ sort: "time" });
    for await (const { start } of listing)
      derived.push({ uid: start.uid, scan_id: start.scan_id ?? null, plan_name: start.plan_name ?? null });
    return sendMetadata(request, reply, {
      uid: run.uid,
      provenance: run.provenance() ?? null,
      derived_from: derived,
    });
  });

  app.get("/api/v1/lineage/*", async (request, reply) => {
    const { catalog, run } = await visibleRun(request, "lineage");
    const params = paramsOf(request);
    const direction = (params.get("direction") ?? undefined) as LineageDirection | undefined;
    return sendMetadata(
      request,
      reply,
      await catalog.lineage(run.uid, { depth: depthOf(params), direction }),
    );
  });
}
