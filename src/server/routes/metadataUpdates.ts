// Tiled's metadata updates on a run — PATCH (json-patch or merge-patch) and PUT of /api/v1/metadata/{uid}, and
// GET /api/v1/revisions/{uid} — so the Python client's update_metadata, patch_metadata, replace_metadata and
// metadata_revisions work. The documents never change: the patch applies to the metadata the caller sees, and
// only its `annotations` list may differ afterwards (annotations/annotationLayer.ts turns that into creates,
// edits and deletes of the caller's annotations, each a revision). Specs and access_blob stay as they are.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { applyLayerChanges, layerChanges } from "../../annotations/annotationLayer.ts";
import { applyJsonPatch, applyMergePatch } from "../../annotations/jsonPatch.ts";
import { ValidationError } from "../../errors.ts";
import { actorOf } from "../auth.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { MethodNotAllowedError, NotAcceptableError } from "../errors.ts";
import { Links } from "../links.ts";
import { RunNode } from "../nodes/RunNode.ts";
import { pageOf, paramsOf } from "../requestParams.ts";
import { sendMetadata } from "../sendMetadata.ts";
import { nodeOf, type ReadRoutesOptions } from "./reply.ts";

const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";

function refused(path: string, rule: string, message: string): ValidationError {
  return new ValidationError(`${path}: ${message}`, [{ name: "metadata", path, rule, message }]);
}

/** The run a metadata update names; streams and the catalog hold no annotations. */
async function runNodeOf(request: FastifyRequest, catalogs: CatalogTree, route: string): Promise<RunNode> {
  const node = await nodeOf(request, catalogs, route);
  if (!(node instanceof RunNode))
    throw new MethodNotAllowedError(
      `only a run's annotations change, not /${node.path.join("/")}: its documents are immutable`,
    );
  return node;
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw refused("body", "type", "must be a JSON object with metadata (and specs, access_blob)");
  if (paramsOf(request).get("drop_revision") === "true")
    throw refused(
      "drop_revision",
      "revisions",
      "annotation revisions are always kept: they record who changed what",
    );
  return body as Record<string, unknown>;
}

/** Specs and access_blob are not the caller's to change here: only "no change" is accepted. */
function checkUnchanged(node: RunNode, specs: unknown, accessBlob: unknown): void {
  if (specs !== undefined && specs !== null && !(Array.isArray(specs) && specs.length === 0)) {
    const same = JSON.stringify(specs) === JSON.stringify(node.specs);
    if (!same)
      throw refused(
        "specs",
        "immutable",
        `a run's specs are ${JSON.stringify(node.specs)} and do not change`,
      );
  }
  if (
    accessBlob !== undefined &&
    accessBlob !== null &&
    !(Array.isArray(accessBlob) && accessBlob.length === 0)
  )
    throw refused(
      "access_blob",
      "immutable",
      "who may read a run follows its beamtime: staff re-tag it (POST /api/v1/access/retag)",
    );
}

/** Applies the caller's new view of the metadata: only `annotations` may differ from `before`. */
async function applyMetadata(
  request: FastifyRequest,
  node: RunNode,
  before: Record<string, unknown>,
  after: unknown,
): Promise<void> {
  if (typeof after !== "object" || after === null || Array.isArray(after))
    throw refused("metadata", "type", "must stay a JSON object");
  const next = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(before), ...Object.keys(next)])) {
    if (key === "annotations") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(next[key]))
      throw refused(
        `metadata.${key}`,
        "immutable",
        `${key in before ? `the run's ${key}` : `'${key}'`} cannot change: documents are immutable, only metadata.annotations changes (your annotations)`,
      );
  }
  const changes = layerChanges(node.annotations, next.annotations ?? []);
  await applyLayerChanges(
    node.broker.annotations(actorOf(request)),
    node.summary.start,
    node.annotations,
    changes,
  );
}

/** The answer Tiled gives an update: the node's metadata now (the client keeps it as its copy). */
async function sendUpdated(request: FastifyRequest, reply: FastifyReply, node: RunNode) {
  const fresh = await RunNode.of(node.broker, node.summary, node.path.slice(0, -1));
  return sendMetadata(request, reply, {
    id: node.summary.uid,
    metadata: fresh.metadata(),
    specs: fresh.specs,
    access_blob: null,
  });
}

export async function metadataUpdateRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const { catalogs } = options;

  app.patch("/api/v1/metadata/*", async (request, reply) => {
    const node = await runNodeOf(request, catalogs, "metadata");
    const body = bodyOf(request);
    const kind = body["content-type"] ?? JSON_PATCH;
    if (kind !== JSON_PATCH && kind !== MERGE_PATCH)
      throw new NotAcceptableError(`patches of type ${JSON.stringify(kind)} are not understood`, [
        JSON_PATCH,
        MERGE_PATCH,
      ]);
    checkUnchanged(
      node,
      kind === JSON_PATCH ? applyJsonPatch(node.specs, body.specs ?? []) : body.specs,
      body.access_blob,
    );
    if (body.metadata !== undefined && body.metadata !== null) {
      const before = node.metadata();
      const after =
        kind === JSON_PATCH ? applyJsonPatch(before, body.metadata) : applyMergePatch(before, body.metadata);
      await applyMetadata(request, node, before, after);
    }
    return sendUpdated(request, reply, node);
  });

  app.put("/api/v1/metadata/*", async (request, reply) => {
    const node = await runNodeOf(request, catalogs, "metadata");
    const body = bodyOf(request);
    checkUnchanged(node, body.specs, body.access_blob);
    if (body.metadata !== undefined && body.metadata !== null) {
      const before = node.metadata();
      if (typeof body.metadata !== "object" || Array.isArray(body.metadata))
        throw refused("metadata", "type", "must be a JSON object");
      // The documents cannot be removed: a replacement that leaves them out keeps them.
      const after: Record<string, unknown> = {
        ...before,
        annotations: [],
        ...(body.metadata as Record<string, unknown>),
      };
      for (const key of Object.keys(before))
        if (!(key in (body.metadata as object)) && key !== "annotations") after[key] = before[key];
      await applyMetadata(request, node, before, after);
    }
    return sendUpdated(request, reply, node);
  });

  // The history of the run's annotations the caller reads, oldest first, in Tiled's revision listing.
  app.get("/api/v1/revisions/*", async (request, reply) => {
    const node = await runNodeOf(request, catalogs, "revisions");
    const all = await node.broker.annotations(actorOf(request)).runRevisions(node.summary.start);
    const { offset, limit } = pageOf(paramsOf(request));
    const base = Links.of(request).route("revisions", node.path);
    const page = (at: number) => `${base}?page[offset]=${at}&page[limit]=${limit}`;
    const data = all.slice(offset, offset + limit).map((revision, index) => ({
      revision_number: offset + index + 1,
      attributes: {
        metadata: {
          annotation: revision.annotation,
          action: revision.action,
          actor: revision.actor,
          revision: revision.revision,
        },
        specs: node.specs,
        time_updated: new Date(revision.at * 1000).toISOString(),
      },
    }));
    return sendMetadata(request, reply, {
      data,
      error: null,
      links: {
        self: page(offset),
        first: page(0),
        next: limit > 0 && offset + limit < all.length ? page(offset + limit) : null,
        prev: offset > 0 ? page(Math.max(0, offset - limit)) : null,
      },
      meta: { count: all.length },
    });
  });
}
