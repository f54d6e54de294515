// An annotation: what a person (or a pipeline) says about a run after the fact — tags, a free-text body and
// structured key/values — kept apart from the immutable documents, with its own revisions. Its visibility
// decides who reads it; `readersOf` turns that into the reader tokens every backend stores and searches.

/** Who reads an annotation (among those who may read its run): the author only, every reader, or a list. */
export type Visibility = "private" | "beamtime" | "users";

export const VISIBILITIES: readonly Visibility[] = ["private", "beamtime", "users"];

/** A JSON value as annotations keep it. */
export type AnnotationValue =
  | null
  | boolean
  | number
  | string
  | AnnotationValue[]
  | { [key: string]: AnnotationValue };

/** What part of the run an annotation is about (none: the whole run). `seq` is an inclusive seq_num range. */
export interface AnnotationTarget {
  stream?: string;
  field?: string;
  seq?: [number, number];
}

/** What an author writes: everything an edit may change. */
export interface AnnotationContent {
  visibility: Visibility;
  /** The users a `users` annotation is shared with (empty otherwise). */
  shared_with: string[];
  tags: string[];
  body: string;
  /** Structured key/values, searchable as `annotations.<key>`. */
  values: Record<string, AnnotationValue>;
  target?: AnnotationTarget;
}

export interface Annotation extends AnnotationContent {
  id: string;
  /** The uid of the run's start document. */
  run: string;
  author: string;
  /** Seconds since the epoch. */
  created: number;
  updated: number;
  /** 1 when created, one more with every edit: what an edit must name to detect a lost update. */
  revision: number;
}

/** One change to an annotation, as its history keeps it: the annotation as it stood after the change. */
export interface AnnotationRevision {
  revision: number;
  /** Seconds since the epoch. */
  at: number;
  actor: string;
  action: "create" | "edit" | "delete";
  annotation: Annotation;
}

/** The reader token of annotations every reader of the run may read. */
export const EVERY_READER = "*";

/** Who may read `annotation` (besides needing to read its run): reader tokens, as stored for search. */
export function readersOf(annotation: Pick<Annotation, "visibility" | "author" | "shared_with">): string[] {
  if (annotation.visibility === "beamtime") return [EVERY_READER];
  if (annotation.visibility === "private") return [annotation.author];
  return [...new Set([annotation.author, ...annotation.shared_with])];
}

/** Field names of an annotation that its `values` may not use: search reaches both as `annotations.<name>`. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "id",
  "run",
  "author",
  "created",
  "updated",
  "revision",
  "visibility",
  "shared_with",
  "tags",
  "body",
  "values",
  "target",
]);

/**
 * What search sees of an annotation: its fields and its values side by side, so `annotations.body`,
 * `annotations.tags` and `annotations.rating` are all keys of one object (values never shadow fields).
 */
export function searchableOf(annotation: Annotation): Record<string, AnnotationValue> {
  const { values, target, ...fields } = annotation;
  const searchable: Record<string, AnnotationValue> = { ...values, ...fields };
  if (target) searchable.target = { ...target } as Record<string, AnnotationValue>;
  return searchable;
}
