// A PostgreSQL catalog's annotations (migration 4). A write is one transaction: the run's row is locked for
// key share (a concurrent deleteRun waits, or has already removed it: NotFoundError), then a compare-and-swap
// on the annotation row — an insert that does nothing when the id is taken, or an update only at the expected
// revision — so of concurrent writers from one revision exactly one changes the row and the others, having
// waited for its lock, find the revision moved on. Only the winner appends a revision and rewrites the search
// rows, which therefore always match the row's latest revision.
import type pg from "pg";
import {
  type Annotation,
  type AnnotationRevision,
  readersOf,
  searchableOf,
} from "../../annotations/Annotation.ts";
import type { AnnotationChange, AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import { ConflictError } from "../../errors.ts";
import { revisionOf, staleAnnotation, unknownRun } from "../annotationRows.ts";
import { bound, statement } from "./connectionPool.ts";
import { jsonView } from "./jsonView.ts";
import type { InTransaction } from "./PostgresAccess.ts";

/** Under FOR KEY SHARE a deleteRun's delete of the row waits for this transaction, and updates do not. */
const LOCK_RUN = statement("annotation_lock_run", "SELECT 1 FROM runs WHERE uid = $1 FOR KEY SHARE");
const CREATE = statement(
  "annotation_create",
  `INSERT INTO annotations (id, run, revision, deleted, created, document, searchable, searchable_json)
   VALUES ($1, $2, $3, false, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
);
const REVISE = statement(
  "annotation_revise",
  `UPDATE annotations SET revision = $2, deleted = $3, document = $4, searchable = $5, searchable_json = $6
   WHERE id = $1 AND revision = $7 AND NOT deleted`,
);
const STORED = statement("annotation_stored", "SELECT revision, deleted FROM annotations WHERE id = $1");
const RECORD_REVISION = statement(
  "annotation_record_revision",
  `INSERT INTO annotation_revisions (annotation, revision, at, actor, action, document)
   VALUES ($1, $2, $3, $4, $5, $6)`,
);
const CLEAR_READERS = statement(
  "annotation_clear_readers",
  "DELETE FROM annotation_readers WHERE annotation = $1",
);
const CLEAR_TAGS = statement("annotation_clear_tags", "DELETE FROM annotation_tags WHERE annotation = $1");
const ADD_READERS = statement(
  "annotation_add_readers",
  "INSERT INTO annotation_readers (annotation, run, reader) SELECT $1, $2, unnest($3::text[])",
);
/** One row per tag and reader token (migration 4 says why). */
const ADD_TAGS = statement(
  "annotation_add_tags",
  `INSERT INTO annotation_tags (annotation, run, tag, reader)
   SELECT $1, $2, tag, reader FROM unnest($3::text[]) tag, unnest($4::text[]) reader`,
);
const GET = statement("annotation_get", "SELECT document FROM annotations WHERE id = $1 AND NOT deleted");
const LIST = statement(
  "annotation_list",
  "SELECT document FROM annotations WHERE run = $1 AND NOT deleted ORDER BY created, id",
);
const LIST_READABLE = statement(
  "annotation_list_readable",
  `SELECT a.document FROM annotations a WHERE a.run = $1 AND NOT a.deleted
     AND EXISTS (SELECT 1 FROM annotation_readers r WHERE r.annotation = a.id AND r.reader = ANY($2::text[]))
   ORDER BY a.created, a.id`,
);
const REVISIONS = statement(
  "annotation_revisions",
  "SELECT revision, at, actor, action, document FROM annotation_revisions WHERE annotation = $1 ORDER BY revision",
);

/**
 * unique_violation, serialization_failure, deadlock_detected: a concurrent writer got in first in a way the
 * compare-and-swap did not see (the store retries them; past its attempts they are still only a lost race).
 */
const LOST_RACE = new Set(["23505", "40001", "40P01"]);

function lostRace(id: string, error: unknown): ConflictError | undefined {
  if (!LOST_RACE.has((error as { code?: string }).code ?? "")) return undefined;
  return new ConflictError(`annotation ${id} was changed by a concurrent writer meanwhile; read it again`);
}

export class PostgresAnnotations implements AnnotationRecords {
  constructor(
    private readonly pool: pg.Pool,
    private readonly inTransaction: InTransaction,
  ) {}

  async write(change: AnnotationChange): Promise<void> {
    const { id } = change.annotation;
    try {
      await this.inTransaction((client) => applyChange(client, change));
    } catch (error) {
      throw lostRace(id, error) ?? error;
    }
  }

  async get(id: string): Promise<Annotation | undefined> {
    return (await this.pool.query(bound(GET, [id]))).rows[0]?.document;
  }

  async list(run: string, readers?: readonly string[]): Promise<Annotation[]> {
    const query = readers === undefined ? bound(LIST, [run]) : bound(LIST_READABLE, [run, readers]);
    return (await this.pool.query(query)).rows.map((row) => row.document);
  }

  async revisions(id: string): Promise<AnnotationRevision[]> {
    const { rows } = await this.pool.query(bound(REVISIONS, [id]));
    return rows.map((row) => ({
      revision: row.revision,
      at: row.at,
      actor: row.actor,
      action: row.action,
      annotation: row.document,
    }));
  }
}

/** The change in the client's open transaction: ConflictError or NotFoundError leave nothing written. */
async function applyChange(client: pg.PoolClient, change: AnnotationChange): Promise<void> {
  const { annotation } = change;
  const { id, run } = annotation;
  if (!(await client.query(bound(LOCK_RUN, [run]))).rowCount) throw unknownRun(run);
  // Exact JSON text for reads; the JSONB view (jsonView: no U+0000) for search.
  const document = JSON.stringify(annotation);
  const searchable = jsonView(searchableOf(annotation));
  const deleted = change.action === "delete";
  const swap =
    change.expected === 0
      ? bound(CREATE, [id, run, annotation.revision, annotation.created, document, searchable, searchable])
      : bound(REVISE, [id, annotation.revision, deleted, document, searchable, searchable, change.expected]);
  if (!(await client.query(swap)).rowCount) {
    // A create met a stored row (deleted ones too: an id is never reused), an edit a moved revision.
    const stored = (await client.query(bound(STORED, [id]))).rows[0];
    throw staleAnnotation(id, stored && !stored.deleted ? stored.revision : 0, change.expected);
  }
  const revision = revisionOf(change);
  await client.query(
    bound(RECORD_REVISION, [id, revision.revision, revision.at, revision.actor, revision.action, document]),
  );
  if (change.expected !== 0) {
    await client.query(bound(CLEAR_READERS, [id]));
    await client.query(bound(CLEAR_TAGS, [id]));
  }
  if (deleted) return;
  const readers = readersOf(annotation);
  await client.query(bound(ADD_READERS, [id, run, readers]));
  await client.query(bound(ADD_TAGS, [id, run, [...new Set(annotation.tags)], readers]));
}
