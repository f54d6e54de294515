// What every backend of annotations/AnnotationRecords.ts shares: the conflict a stale change meets, the rule
// a change is applied by (memory and files apply it to a map of histories), and the rows the SQL catalogs
// keep for search (one per reader token, one per tag), so SQLite and PostgreSQL store alike.
import {
  type Annotation,
  type AnnotationRevision,
  readersOf,
  searchableOf,
} from "../annotations/Annotation.ts";
import type { AnnotationChange } from "../annotations/AnnotationRecords.ts";
import { ConflictError, NotFoundError } from "../errors.ts";

/** The error of a change whose `expected` revision is not the stored one (0: none stored, or deleted). */
export function staleAnnotation(id: string, stored: number, expected: number): ConflictError {
  if (expected === 0) return new ConflictError(`annotation ${id} exists already`);
  if (stored === 0) return new ConflictError(`annotation ${id} was deleted meanwhile`);
  return new ConflictError(
    `annotation ${id} is at revision ${stored}, not ${expected}: someone changed it meanwhile; read it again`,
  );
}

export function unknownRun(run: string): NotFoundError {
  return new NotFoundError(`no run with uid ${run} to annotate`);
}

/** The revision a change records. */
export function revisionOf(change: AnnotationChange): AnnotationRevision {
  return {
    revision: change.annotation.revision,
    at: change.at,
    actor: change.actor,
    action: change.action,
    annotation: change.annotation,
  };
}

/** The stored revision of a history: 0 when there is none or its last change deleted it. */
function liveRevision(history: readonly AnnotationRevision[] | undefined): number {
  const latest = history?.at(-1);
  return latest && latest.action !== "delete" ? latest.revision : 0;
}

/** Applies a change to histories kept in memory (memory and files catalogs), checking it as SQL would. */
export function applyAnnotationChange(
  histories: Map<string, AnnotationRevision[]>,
  change: AnnotationChange,
  hasRun: (uid: string) => boolean,
): void {
  const { id, run } = change.annotation;
  const history = histories.get(id);
  if (change.action === "create" && history) throw staleAnnotation(id, 1, 0);
  const stored = liveRevision(history);
  if (stored !== change.expected) throw staleAnnotation(id, stored, change.expected);
  if (!hasRun(run)) throw unknownRun(run);
  histories.set(id, [...(history ?? []), revisionOf(change)]);
}

/** Whether an annotation is read by one of `readers` (undefined: by everyone). */
export function readableBy(annotation: Annotation, readers: readonly string[] | undefined): boolean {
  return readers === undefined || readersOf(annotation).some((reader) => readers.includes(reader));
}

/** The search rows of an annotation: its searchable JSON, its reader tokens and its tags. */
export function searchRowsOf(annotation: Annotation): {
  searchable: string;
  readers: string[];
  tags: string[];
} {
  return {
    searchable: JSON.stringify(searchableOf(annotation)),
    readers: readersOf(annotation),
    tags: annotation.tags,
  };
}

/** The searchable form of each annotation `readers` read, by run: what in-memory search evaluates. */
export function searchableByRun(
  annotations: readonly Annotation[],
  readers: readonly string[] | undefined,
): Map<string, unknown[]> {
  const byRun = new Map<string, unknown[]>();
  for (const annotation of annotations) {
    if (!readableBy(annotation, readers)) continue;
    const list = byRun.get(annotation.run) ?? [];
    list.push(searchableOf(annotation));
    byRun.set(annotation.run, list);
  }
  return byRun;
}
