// Our annotation routes: a run's annotations listed, created, read, edited (naming the revision the edit was
// made from, in the body or an If-Match header: a stale one is 409, none is 428), deleted and their revisions;
// and tags across the runs the caller sees. Runs are resolved as the caller may see them (a hidden run is the
// same 404 as a missing one), and every change goes through annotations/Annotations.ts.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Annotation } from "../../annotations/Annotation.ts";
import type { Annotations } from "../../annotations/Annotations.ts";
import type { Broker } from "../../broker/index.ts";
import type { RunStart } from "../../documents/types.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { actorOf } from "../auth.ts";
import { PreconditionRequiredError } from "../errors.ts";
import { sendJson } from "../json.ts";
import { pageOf, paramsOf } from "../requestParams.ts";
import { requestCatalog } from "./reply.ts";

/** The run a request names, as the caller may see it, and the annotations as the caller uses them. */
export async function annotatedRun(
  request: FastifyRequest,
  broker: Broker,
  uid: string,
): Promise<{ start: RunStart; annotations: Annotations; catalog: Broker }> {
  const catalog = requestCatalog(request, broker);
  for await (const summary of catalog.search({ op: "eq", key: "uid", value: uid }).summaries({ limit: 1 }))
    return { start: summary.start, annotations: catalog.annotations(actorOf(request)), catalog };
  throw new NotFoundError(`No such entry: ['${uid}']`);
}

/** The revision a change names: `revision` in the body or query, else an If-Match header ("3" or 3). */
function revisionOf(request: FastifyRequest): number | undefined {
  const fromQuery = paramsOf(request).get("revision");
  const header = request.headers["if-match"];
  const text =
    fromQuery ?? (typeof header === "string" ? header.replace(/^W\//, "").replaceAll('"', "") : undefined);
  if (text === undefined) return undefined;
  const revision = Number(text);
  if (!Number.isSafeInteger(revision) || revision < 1)
    throw new ValidationError(`revision ${JSON.stringify(text)} is not a revision number (1 or more)`);
  return revision;
}

function sendAnnotation(reply: import("fastify").FastifyReply, annotation: Annotation) {
  reply.header("ETag", `"${annotation.revision}"`);
  return sendJson(reply, annotation);
}

interface RunParams {
  uid: string;
}
interface AnnotationParams extends RunParams {
  id: string;
}

export async function annotationRoutes(app: FastifyInstance, options: { broker: Broker }): Promise<void> {
  const { broker } = options;

  app.get<{ Params: RunParams }>("/api/v1/annotations/:uid", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    const list = await annotations.list(start);
    return sendJson(reply, { data: list, meta: { count: list.length } });
  });

  app.post<{ Params: RunParams }>("/api/v1/annotations/:uid", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    const created = await annotations.create(start, request.body);
    reply.code(201).header("Location", `/api/v1/annotations/${start.uid}/${created.id}`);
    return sendAnnotation(reply, created);
  });

  app.get<{ Params: AnnotationParams }>("/api/v1/annotations/:uid/:id", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    return sendAnnotation(reply, await annotations.get(start, request.params.id));
  });

  app.patch<{ Params: AnnotationParams }>("/api/v1/annotations/:uid/:id", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    const body = request.body as Record<string, unknown> | null;
    const named = typeof body === "object" && body !== null && "revision" in body;
    const revision = revisionOf(request);
    if (!named && revision === undefined)
      throw new PreconditionRequiredError(
        "name the revision your edit was made from ('revision' in the body, or If-Match: \"<revision>\"), so no one's edit is lost",
      );
    return sendAnnotation(reply, await annotations.edit(start, request.params.id, body, revision));
  });

  app.delete<{ Params: AnnotationParams }>("/api/v1/annotations/:uid/:id", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    return sendJson(reply, await annotations.delete(start, request.params.id, revisionOf(request)));
  });

  app.get<{ Params: AnnotationParams }>("/api/v1/annotations/:uid/:id/revisions", async (request, reply) => {
    const { start, annotations } = await annotatedRun(request, broker, request.params.uid);
    const revisions = await annotations.revisions(start, request.params.id);
    return sendJson(reply, { data: revisions, meta: { count: revisions.length } });
  });

  // Tags across the runs the caller sees, each with how many runs carry it (a private tag counts for its
  // author only), and the runs that carry one.
  app.get("/api/v1/tags", async (request, reply) => {
    const found = await requestCatalog(request, broker).distinct("tags", { counts: true });
    return sendJson(reply, {
      data: found.map(({ value, count }) => ({ tag: value, count })),
      meta: { count: found.length },
    });
  });

  app.get<{ Params: { tag: string } }>("/api/v1/tags/:tag", async (request, reply) => {
    const tagged = requestCatalog(request, broker).search({
      op: "contains",
      key: "tags",
      value: request.params.tag,
    });
    const { offset, limit } = pageOf(paramsOf(request));
    const runs = [];
    for await (const summary of tagged.summaries({ offset, limit }))
      runs.push({
        uid: summary.uid,
        scan_id: summary.start.scan_id ?? null,
        plan_name: summary.start.plan_name ?? null,
        time: summary.start.time,
      });
    return sendJson(reply, { data: runs, meta: { count: await tagged.count(), offset, limit } });
  });
}
