// A SQLite catalog's annotations (schema version 5): read on the store's reader connection, which sees
// committed data only; written through the store's writer (writeAnnotationRows.ts), so annotation writes
// queue behind puts, deletions and access writes, each in its own transaction.
import type { Annotation, AnnotationRevision } from "../../annotations/Annotation.ts";
import type { AnnotationChange, AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import type { Connection } from "./Connection.ts";
import type { WithWriter } from "./SqliteAccess.ts";

interface RevisionRow {
  revision: number;
  at: number;
  actor: string;
  action: AnnotationRevision["action"];
  annotation_json: string;
}

export class SqliteAnnotations implements AnnotationRecords {
  constructor(
    private readonly reader: Connection,
    private readonly withWriter: WithWriter,
  ) {}

  write(change: AnnotationChange): Promise<void> {
    return this.withWriter((writer) => writer.writeAnnotation(change));
  }

  async get(id: string): Promise<Annotation | undefined> {
    const body = this.reader
      .sql("SELECT body FROM annotations WHERE id = ? AND deleted = 0")
      .pluck()
      .get(id) as string | undefined;
    return body === undefined ? undefined : (JSON.parse(body) as Annotation);
  }

  async list(run: string, readers?: readonly string[]): Promise<Annotation[]> {
    const bodies = (
      readers === undefined
        ? this.reader
            .sql("SELECT body FROM annotations WHERE run = ? AND deleted = 0 ORDER BY created, id")
            .pluck()
            .all(run)
        : this.reader
            .sql(
              `SELECT body FROM annotations AS a WHERE run = ? AND deleted = 0 AND EXISTS (
                 SELECT 1 FROM annotation_readers AS r
                 WHERE r.annotation = a.id AND r.reader IN (SELECT value FROM json_each(?)))
               ORDER BY created, id`,
            )
            .pluck()
            .all(run, JSON.stringify(readers))
    ) as string[];
    return bodies.map((body) => JSON.parse(body) as Annotation);
  }

  async revisions(id: string): Promise<AnnotationRevision[]> {
    const rows = this.reader
      .sql(
        "SELECT revision, at, actor, action, annotation_json FROM annotation_revisions WHERE annotation = ? ORDER BY revision",
      )
      .all(id) as RevisionRow[];
    return rows.map((row) => ({
      revision: row.revision,
      at: row.at,
      actor: row.actor,
      action: row.action,
      annotation: JSON.parse(row.annotation_json) as Annotation,
    }));
  }
}
