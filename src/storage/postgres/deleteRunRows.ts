// Deleting a run from a PostgreSQL catalog, on one client inside a transaction: the run's lock key first (the
// one every put into the run holds, see PostgresIngest.ts), then every row of the run — documents, runs (with
// its words), descriptors, event and datum pages with their columns, stream counts, statistics, replay logs,
// annotations with their revisions and search rows, the fuzzy vocabulary's words no other run holds — and one
// audit row in `deletions`. All of it commits together or not at all.
import type pg from "pg";
import type { RunStart } from "../../documents/types.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import {
  DELETION_COLUMNS,
  type DeletionRequest,
  deletionOf,
  deletionRow,
  type RunDeletion,
} from "../deletions.ts";
import { bound, statement } from "./connectionPool.ts";
import { LOCK_KEYS } from "./PostgresIngest.ts";
import { dropVocabulary } from "./vocabularyRows.ts";

const START_BODY = statement(
  "deletion_start",
  "SELECT body FROM documents WHERE uid = $1 AND name = 'start' AND run = $1",
);

/** The uids of the run's documents: what its pages, counts and statistics hang off. */
const OWNED = "SELECT uid FROM documents WHERE run = $1";

/** The ids of the run's annotations, deleted ones too: what their revisions and search rows hang off. */
const ANNOTATIONS = "SELECT id FROM annotations WHERE run = $1";

/** Statements that each take the run's uid, children before the documents they find them by. */
const DELETES = [
  statement(
    "delete_event_columns",
    `DELETE FROM event_columns WHERE page IN (SELECT id FROM event_pages WHERE descriptor IN (${OWNED}))`,
  ),
  statement("delete_event_pages", `DELETE FROM event_pages WHERE descriptor IN (${OWNED})`),
  statement("delete_datum_pages", `DELETE FROM datum_pages WHERE resource IN (${OWNED})`),
  statement("delete_field_stats", `DELETE FROM field_stats WHERE descriptor IN (${OWNED})`),
  statement("delete_streams", "DELETE FROM streams WHERE run = $1"),
  statement("delete_stream_stats", "DELETE FROM stream_stats WHERE run = $1"),
  statement("delete_run_logs", "DELETE FROM run_logs WHERE run = $1"),
  statement("delete_descriptors", "DELETE FROM descriptors WHERE run = $1"),
  statement("delete_runs", "DELETE FROM runs WHERE uid = $1"),
  // After the runs row: an annotation write holds that row's key-share lock until it commits, so the delete
  // above waited for it and these statements (a fresh snapshot each) see what it wrote.
  statement("delete_annotation_tags", `DELETE FROM annotation_tags WHERE annotation IN (${ANNOTATIONS})`),
  statement(
    "delete_annotation_readers",
    `DELETE FROM annotation_readers WHERE annotation IN (${ANNOTATIONS})`,
  ),
  statement(
    "delete_annotation_revisions",
    `DELETE FROM annotation_revisions WHERE annotation IN (${ANNOTATIONS})`,
  ),
  statement("delete_annotations", "DELETE FROM annotations WHERE run = $1"),
  statement("delete_documents", "DELETE FROM documents WHERE run = $1"),
];

const RECORD_DELETION = statement(
  "record_deletion",
  `INSERT INTO deletions (${DELETION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
);

export const DELETIONS = statement(
  "deletions",
  "SELECT uid, scan_id, plan_name, deleted_at, deleted_by, reason FROM deletions ORDER BY id",
);

/** Deletes the run `uid` and records it, in the client's open transaction; null when there is no such run. */
export async function deleteRunRows(
  client: pg.PoolClient,
  uid: string,
  request: DeletionRequest,
): Promise<RunDeletion | null> {
  await client.query(bound(LOCK_KEYS, [[uid]]));
  const { rows } = await client.query(bound(START_BODY, [uid]));
  if (rows.length === 0) return null;
  const start = decodeExact<RunStart>(rows[0].body);
  const deletion = deletionOf(start, request);
  for (const text of DELETES) await client.query(bound(text, [uid]));
  await dropVocabulary(client, start);
  await client.query(bound(RECORD_DELETION, deletionRow(deletion)));
  return deletion;
}
