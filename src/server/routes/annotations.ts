// Our annotation routes: a run's annotations listed, created, read, edited (naming the revision the edit was
// made from, in the body or an If-Match header: a stale one is 409, none is 428), deleted and their revisions;
// and tags across the runs the caller sees. Runs are resolved as the caller may see them (a hidden run is the
// same 404 as a missing one), and every change goes through annotations/Annotations.ts. A named catalog's runs
// are under /api/v1/annotations/{catalog}/{uid}...; the tag routes take `catalog=` (default: the primary one).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Annotation } from "../../annotations/Annotation.ts";
import type { Annotations } from "../../annotations/Annotations.ts";
import type { Broker } from "../../broker/index.ts";
import type { RunStart } from "../../documents/types.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { actorOf } from "../auth.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { PreconditionRequiredError } from "../errors.ts";
import { sendJson } from "../json.ts";
import { pageOf, paramsOf } from "../requestParams.ts";
import { namedCatalogOf, pathCatalogOf, type ReadRoutesOptions } from "./reply.ts";

/** The run a request names, as the caller may see it, and the annotations as the caller uses them. */
async function annotatedRun(
  catalog: Broker,
  uid: string,
  actor: string,
): Promise<{ start: RunStart; annotations: Annotations; catalog: Broker }> {
  for await (const summary of catalog.search({ op: "eq", key: "uid", value: uid }).summaries({ limit: 1 }))
    return { start: summary.start, annotations: catalog.annotations(actor), catalog };
  throw new NotFoundError(`No such entry: ['${uid}']`);
}

/** What an annotation route's path names: `[{catalog}/]{uid}[/{id}[/revisions]]`. */
type AnnotationTarget = "run" | "annotation" | "revisions";

const TARGET_OF_LENGTH: Record<number, AnnotationTarget> = { 1: "run", 2: "annotation", 3: "revisions" };

/**
 * The run (and annotation) an annotation route's path names, in the caller's view of its catalog (a catalog's
 * name first, CatalogTree.ts); a path of another shape, or of a target the method does not take, is a 404.
 */
async function targetOf(request: FastifyRequest, catalogs: CatalogTree, wanted: AnnotationTarget[]) {
  const { catalog, path, rest } = pathCatalogOf(request, catalogs, "annotations");
  const target = TARGET_OF_LENGTH[rest.length];
  if (!wanted.includes(target) || (target === "revisions" && rest[2] !== "revisions"))
    throw new NotFoundError(
      `No such entry: ${request.method} /api/v1/annotations/ takes [{catalog}/]${wanted
        .map(
          (shape) => ({ run: "{uid}", annotation: "{uid}/{id}", revisions: "{uid}/{id}/revisions" })[shape],
        )
        .join(" or ")}`,
    );
  const [uid, id] = rest;
  const run = await annotatedRun(catalog, uid, actorOf(request));
  return { ...run, target, path, id };
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

export async function annotationRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const { catalogs } = options;

  // A run's annotations, one of them, or its revisions: one wildcard route per method, so a catalog's name
  // may lead the path as on every path route.
  app.get("/api/v1/annotations/*", async (request, reply) => {
    const { start, annotations, target, id } = await targetOf(request, catalogs, [
      "run",
      "annotation",
      "revisions",
    ]);
    if (target === "annotation") return sendAnnotation(reply, await annotations.get(start, id));
    if (target === "revisions") {
      const revisions = await annotations.revisions(start, id);
      return sendJson(reply, { data: revisions, meta: { count: revisions.length } });
    }
    const list = await annotations.list(start);
    return sendJson(reply, { data: list, meta: { count: list.length } });
  });

  app.post("/api/v1/annotations/*", async (request, reply) => {
    const { start, annotations, path } = await targetOf(request, catalogs, ["run"]);
    const created = await annotations.create(start, request.body);
    const location = ["", "api", "v1", "annotations", ...path, start.uid, created.id];
    reply.code(201).header("Location", location.map(encodeURIComponent).join("/"));
    return sendAnnotation(reply, created);
  });

  app.patch("/api/v1/annotations/*", async (request, reply) => {
    const { start, annotations, id } = await targetOf(request, catalogs, ["annotation"]);
    const body = request.body as Record<string, unknown> | null;
    const named = typeof body === "object" && body !== null && "revision" in body;
    const revision = revisionOf(request);
    if (!named && revision === undefined)
      throw new PreconditionRequiredError(
        "name the revision your edit was made from ('revision' in the body, or If-Match: \"<revision>\"), so no one's edit is lost",
      );
    return sendAnnotation(reply, await annotations.edit(start, id, body, revision));
  });

  app.delete("/api/v1/annotations/*", async (request, reply) => {
    const { start, annotations, id } = await targetOf(request, catalogs, ["annotation"]);
    return sendJson(reply, await annotations.delete(start, id, revisionOf(request)));
  });

  // Tags across the runs the caller sees, each with how many runs carry it (a private tag counts for its
  // author only), and the runs that carry one.
  app.get("/api/v1/tags", async (request, reply) => {
    const found = await namedCatalogOf(request, catalogs).distinct("tags", { counts: true });
    return sendJson(reply, {
      data: found.map(({ value, count }) => ({ tag: value, count })),
      meta: { count: found.length },
    });
  });

  app.get<{ Params: { tag: string } }>("/api/v1/tags/:tag", async (request, reply) => {
    const tagged = namedCatalogOf(request, catalogs).search({
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
