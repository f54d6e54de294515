// Writing one annotation change into a SQLite catalog, in the writer thread inside the writer's transaction
// (BEGIN IMMEDIATE, so the revision read here cannot change before the commit): the compare-and-swap on the
// stored revision, the annotation's row, its revision and its search rows (readers, tags; live ones only).
import type { AnnotationChange } from "../../annotations/AnnotationRecords.ts";
import { searchRowsOf, staleAnnotation, unknownRun } from "../annotationRows.ts";
import type { Connection } from "./Connection.ts";

/**
 * Applies `change` (see AnnotationRecords.write): ConflictError, nothing written, when the stored revision is
 * not `change.expected`; NotFoundError when the run is unknown.
 */
export function writeAnnotationRows(writer: Connection, change: AnnotationChange): void {
  const { annotation } = change;
  const { id, run } = annotation;
  const stored = writer.sql("SELECT revision, deleted FROM annotations WHERE id = ?").get(id) as
    | { revision: number; deleted: number }
    | undefined;
  if (change.action === "create" && stored) throw staleAnnotation(id, 1, 0);
  const live = stored && !stored.deleted ? stored.revision : 0;
  if (live !== change.expected) throw staleAnnotation(id, live, change.expected);
  if (!writer.sql("SELECT 1 FROM runs WHERE uid = ?").get(run)) throw unknownRun(run);
  const body = JSON.stringify(annotation);
  const deleted = change.action === "delete";
  const rows = searchRowsOf(annotation);
  writer
    .sql(
      `INSERT INTO annotations (id, run, revision, deleted, created, body, searchable)
       VALUES (?, ?, ?, ?, ?, ?, jsonb(?))
       ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, deleted = excluded.deleted,
         body = excluded.body, searchable = excluded.searchable`,
    )
    .run(id, run, annotation.revision, deleted ? 1 : 0, annotation.created, body, rows.searchable);
  writer
    .sql(
      "INSERT INTO annotation_revisions (annotation, revision, at, actor, action, annotation_json) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .run(id, annotation.revision, change.at, change.actor, change.action, body);
  // A create has no search rows yet (no row had its id); an edit's are replaced, a deletion's dropped.
  if (change.action !== "create") {
    writer.sql("DELETE FROM annotation_readers WHERE annotation = ?").run(id);
    writer.sql("DELETE FROM annotation_tags WHERE annotation = ?").run(id);
  }
  if (deleted) return;
  // OR IGNORE: a tag or reader named twice is one search row.
  const reader = writer.sql(
    "INSERT OR IGNORE INTO annotation_readers (annotation, run, reader) VALUES (?, ?, ?)",
  );
  for (const token of rows.readers) reader.run(id, run, token);
  const tag = writer.sql(
    "INSERT OR IGNORE INTO annotation_tags (tag, reader, run, annotation) VALUES (?, ?, ?, ?)",
  );
  for (const each of rows.tags) for (const token of rows.readers) tag.run(each, token, run, id);
}
