// Deleting a run from a SQLite catalog, in the writer thread inside the writer's transaction (so all of it or
// nothing): every row of the run — its documents, query rows (runs, run_text, run_descriptors), event and datum
// pages with their columns, stream counts, statistics, replay logs, its annotations with their revisions and
// search rows, the fuzzy vocabulary's words no other run holds — and one audit row in `deletions`.
import type { RunStart } from "../../documents/types.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import {
  DELETION_COLUMNS,
  type DeletionRequest,
  deletionOf,
  deletionRow,
  type RunDeletion,
} from "../deletions.ts";
import type { Connection } from "./Connection.ts";
import { dropVocabulary } from "./vocabularyRows.ts";

/** The uids of the run's documents: what its pages, counts and statistics hang off. */
const OWNED = "SELECT uid FROM documents WHERE run = ?";

/** The ids of the run's annotations (deleted ones too): what their revisions and search rows hang off. */
const ANNOTATIONS = "SELECT id FROM annotations WHERE run = ?";

/** Statements that each take the run's uid, children before the documents they find them by. */
const DELETES = [
  `DELETE FROM event_columns WHERE page IN (SELECT id FROM event_pages WHERE descriptor IN (${OWNED}))`,
  `DELETE FROM event_pages WHERE descriptor IN (${OWNED})`,
  `DELETE FROM datum_pages WHERE resource IN (${OWNED})`,
  `DELETE FROM field_stats WHERE descriptor IN (${OWNED})`,
  "DELETE FROM streams WHERE run = ?",
  "DELETE FROM stream_stats WHERE run = ?",
  "DELETE FROM run_logs WHERE run = ?",
  "DELETE FROM run_descriptors WHERE run = ?",
  "DELETE FROM run_text WHERE uid = ?",
  `DELETE FROM annotation_tags WHERE annotation IN (${ANNOTATIONS})`,
  `DELETE FROM annotation_readers WHERE annotation IN (${ANNOTATIONS})`,
  `DELETE FROM annotation_revisions WHERE annotation IN (${ANNOTATIONS})`,
  "DELETE FROM annotations WHERE run = ?",
  "DELETE FROM runs WHERE uid = ?",
  "DELETE FROM documents WHERE run = ?",
];

/** Deletes the run `uid` and records it; null (nothing done) when the catalog has no such run. */
export function deleteRunRows(writer: Connection, uid: string, request: DeletionRequest): RunDeletion | null {
  const body = writer.sql("SELECT body FROM documents WHERE uid = ? AND name = 'start'").pluck().get(uid) as
    | Uint8Array
    | undefined;
  if (body === undefined) return null;
  const start = decodeExact<RunStart>(body);
  const deletion = deletionOf(start, request);
  for (const text of DELETES) writer.sql(text).run(uid);
  dropVocabulary((text) => writer.sql(text), start);
  writer
    .sql(`INSERT INTO deletions (${DELETION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(...deletionRow(deletion));
  return deletion;
}
