// Where a catalog keeps its annotations and their history: each backend stores them beside its runs (tables
// in SQLite and PostgreSQL, a sidecar file for a files catalog, objects in memory), in the same transaction
// discipline as runs. Who may change what is decided in annotations/Annotations.ts, never here; the store
// keeps what it is given, checks revisions (no lost update) and keeps the search rows in step.
import type { Annotation, AnnotationRevision } from "./Annotation.ts";

/**
 * One change, as Annotations.ts hands it to the store: the annotation as it stands afterwards (for a delete:
 * as it stood), the revision the change was made from (0 for a create) and who made it when.
 */
export interface AnnotationChange {
  action: AnnotationRevision["action"];
  annotation: Annotation;
  /** The stored revision this change replaces: 0 for a create (no annotation with that id may exist). */
  expected: number;
  actor: string;
  /** Seconds since the epoch. */
  at: number;
}

export interface AnnotationRecords {
  /**
   * Applies a change atomically: the annotation row, its revision (numbered `annotation.revision`) and its
   * search rows (readers, tags) together. ConflictError when the stored revision is not `expected` (someone
   * changed it meanwhile, it was deleted, or a create's id is taken); NotFoundError when the run is unknown.
   */
  write(change: AnnotationChange): Promise<void>;
  /** An annotation that is not deleted, by id. */
  get(id: string): Promise<Annotation | undefined>;
  /**
   * The run's annotations that are not deleted, oldest first (created, then id): those whose readers include
   * one of `readers` (undefined: all of them).
   */
  list(run: string, readers?: readonly string[]): Promise<Annotation[]>;
  /** Every revision of an annotation, deleted ones too, oldest first; empty when no such id was ever stored. */
  revisions(id: string): Promise<AnnotationRevision[]>;
}
