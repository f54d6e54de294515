// Tiled's metadata updates on a run, read as changes to the caller's annotations: the run's metadata shows
// `annotations` (those the caller reads) beside `start`, `stop` and `summary`; a PATCH or PUT may change only
// that list. An element without an id is a new annotation, a changed element an edit (naming a stale
// `revision` is a conflict), a missing one a delete. Everything is checked before anything changes.
import type { RunStart } from "../documents/types.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../errors.ts";
import type { Annotation } from "./Annotation.ts";
import type { Annotations } from "./Annotations.ts";
import { readAnnotationInput } from "./annotationInput.ts";

/** The fields an author sets; the others are the server's and must come back unchanged (or be left out). */
const CONTENT = ["visibility", "shared_with", "tags", "body", "values", "target"] as const;
/** What a content field left out of an edited element goes back to. */
const EMPTY: Record<(typeof CONTENT)[number], unknown> = {
  visibility: "beamtime",
  shared_with: [],
  tags: [],
  body: "",
  values: {},
  target: undefined,
};
const SERVER = ["run", "author", "created", "updated"] as const;

function invalid(path: string, rule: string, message: string): ValidationError {
  return new ValidationError(`metadata.${path}: ${message}`, [{ name: "metadata", path, rule, message }]);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export interface LayerChanges {
  creates: Record<string, unknown>[];
  edits: { id: string; input: Record<string, unknown> }[];
  deletes: { id: string; revision: number }[];
}

/** What turning the list `before` into `after` asks for, each part checked (nothing applied). */
export function layerChanges(before: readonly Annotation[], after: unknown): LayerChanges {
  if (!Array.isArray(after)) throw invalid("annotations", "type", "must be a list of annotations");
  const current = new Map(before.map((annotation) => [annotation.id, annotation]));
  const changes: LayerChanges = { creates: [], edits: [], deletes: [] };
  const kept = new Set<string>();
  after.forEach((element: unknown, index) => {
    const path = `annotations[${index}]`;
    if (typeof element !== "object" || element === null || Array.isArray(element))
      throw invalid(path, "type", "must be an annotation object");
    const { id, revision, ...rest } = element as Record<string, unknown>;
    if (id === undefined) {
      for (const field of [...SERVER, "revision"])
        if (field in element) throw invalid(`${path}.${field}`, "server-field", "is set by the server");
      readAnnotationInput(rest);
      changes.creates.push(rest);
      return;
    }
    const stored = typeof id === "string" ? current.get(id) : undefined;
    if (!stored) throw invalid(`${path}.id`, "unknown", `no annotation ${JSON.stringify(id)} on this run`);
    if (kept.has(stored.id))
      throw invalid(`${path}.id`, "duplicate", `annotation ${stored.id} is listed twice`);
    kept.add(stored.id);
    for (const field of SERVER)
      if (field in rest && !same(rest[field], stored[field]))
        throw invalid(`${path}.${field}`, "server-field", "is set by the server and cannot change");
    if (revision !== undefined && revision !== stored.revision)
      throw new ConflictError(
        `annotation ${stored.id} is at revision ${stored.revision}, not ${revision}: someone changed it meanwhile; read it again`,
      );
    const input: Record<string, unknown> = {};
    for (const field of CONTENT) {
      const value = field in rest ? rest[field] : EMPTY[field];
      if (!same(value, stored[field])) input[field] = value;
    }
    for (const field of Object.keys(rest))
      if (![...CONTENT, ...SERVER].includes(field as never))
        throw invalid(`${path}.${field}`, "unknown", "is not a field of an annotation");
    if (Object.keys(input).length === 0) return;
    readAnnotationInput(input);
    changes.edits.push({ id: stored.id, input: { ...input, revision: stored.revision } });
  });
  for (const annotation of before)
    if (!kept.has(annotation.id)) changes.deletes.push({ id: annotation.id, revision: annotation.revision });
  return changes;
}

/** Applies the changes (each one its own revision), after checking the caller may make every one. */
export async function applyLayerChanges(
  annotations: Annotations,
  start: RunStart,
  before: readonly Annotation[],
  changes: LayerChanges,
): Promise<void> {
  const byId = new Map(before.map((annotation) => [annotation.id, annotation]));
  for (const { id } of changes.edits) {
    const stored = byId.get(id) as Annotation;
    if (!annotations.isAuthor(stored))
      throw new ForbiddenError(`annotation ${id} is ${stored.author}'s: only its author edits it`);
  }
  for (const { id } of changes.deletes) {
    if (!annotations.mayDelete(start, byId.get(id) as Annotation))
      throw new ForbiddenError(
        `annotation ${id}: only its author, a PI of the run's beamtime or proposal, or an admin deletes it`,
      );
  }
  for (const { id, revision } of changes.deletes) await annotations.delete(start, id, revision);
  for (const { id, input } of changes.edits) await annotations.edit(start, id, input);
  for (const input of changes.creates) await annotations.create(start, input);
}
