// The catalog's access data over HTTP, for admins and staff: the memberships (`GET`, and `PUT` to replace them
// as `databroker access load` does), the audit log, and re-tagging a run to another beamtime (staff of both
// beamlines, or an admin). Every change is audited with the caller's id.
import type { FastifyInstance } from "fastify";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { actorOf } from "../auth.ts";
import { sendJson } from "../json.ts";
import { paramsOf } from "../requestParams.ts";
import { callerView, namedCatalogOf, type ReadRoutesOptions } from "./reply.ts";

function wholeNumber(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw new ValidationError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

export async function accessRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  // The primary catalog's access data: what signs callers in and decides what they see in every catalog.
  const access = options.catalogs.primary.access;

  app.get("/api/v1/access/memberships", async (request, reply) => {
    const memberships = request.policy.state?.memberships;
    if (!memberships) throw new NotFoundError("this catalog has no memberships: it is single-user");
    return sendJson(reply, memberships);
  });

  app.put("/api/v1/access/memberships", async (request, reply) => {
    const { changes } = await access.loadMemberships(request.body, actorOf(request), "request body");
    return sendJson(reply, { changes });
  });

  app.get("/api/v1/access/audit", async (request, reply) => {
    const params = paramsOf(request);
    const entries = await access.audit({
      after: wholeNumber(params, "after"),
      limit: wholeNumber(params, "limit") ?? 1000,
    });
    return sendJson(reply, entries);
  });

  app.post("/api/v1/access/retag", async (request, reply) => {
    const body = (request.body ?? {}) as { uid?: unknown; beamtime?: unknown };
    if (typeof body.uid !== "string" || !(typeof body.beamtime === "string" || body.beamtime === null))
      throw new ValidationError('send {"uid": "<run uid>", "beamtime": "<beamtime id>" or null}');
    const { policy, principal } = request;
    // The run is looked up in the catalog `catalog=` names (default: the primary one).
    const run = await namedCatalogOf(request, options.catalogs, callerView)
      .search({ op: "eq", key: "uid", value: body.uid })
      .run(body.uid);
    const from = policy.beamtimeOf(run.start);
    if (policy.roleOf(principal) !== "admin" && principal.kind === "user") {
      const beamlines = policy.staffBeamlines(principal.id);
      const beamlineOf = (id: string | undefined | null) =>
        policy.state?.memberships.beamtimes.find((entry) => entry.id === id)?.beamline;
      for (const [side, id] of [
        ["from", from],
        ["to", body.beamtime],
      ] as const) {
        const beamline = beamlineOf(id);
        if (beamline === undefined || !beamlines.has(beamline))
          throw new ForbiddenError(
            `re-tagging ${side} ${id ?? "no beamtime"} needs staff of its beamline or an admin`,
          );
      }
    }
    await access.retag(run.uid, body.beamtime, actorOf(request), from);
    return sendJson(reply, { uid: run.uid, from: from ?? null, to: body.beamtime });
  });
}
