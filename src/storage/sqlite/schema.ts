// The SQLite catalog's schema, created on open and versioned with `PRAGMA user_version`. Event data lives in
// pages of columns (event_pages + event_columns), never one row per event; start/stop are JSON for JSON1
// queries, and every document is also kept as exact msgpack, which is what reads and replay decode. A new
// file gets version 1 and then every upgrade, so new and upgraded catalogs are the same.
import type Database from "better-sqlite3";
import { UnsupportedError } from "../../errors.ts";
import { indexedText } from "../../queries/fullText.ts";
import { NoCatalogError } from "../catalogErrors.ts";
import { decodeExact } from "../codec/exactMsgpack.ts";
import { insertStreamStats, STREAM_STATS_INDEXES } from "../streamStatsSql.ts";
import { finiteOrNull, writeRunDescriptor } from "./runRows.ts";
import { createVocabulary } from "./vocabularyRows.ts";

export const SCHEMA_VERSION = 7;

const SCHEMA_V1 = `
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  written_at REAL NOT NULL
);
-- One row per run: start and stop as JSON (queried with json_extract; non-finite numbers read as null).
CREATE TABLE runs (
  uid TEXT PRIMARY KEY,          -- BINARY collation: uid prefixes are index range scans
  time REAL,
  scan_id INTEGER,
  start TEXT NOT NULL,
  stop TEXT,
  stop_uid TEXT
);
CREATE INDEX runs_time ON runs (time DESC, uid);
CREATE INDEX runs_scan_id ON runs (scan_id, time DESC) WHERE scan_id IS NOT NULL;
-- Every document stored one by one (start, stop, descriptor, resource, stream_resource, stream_datum):
-- one uid namespace; id is the storage order.
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  run TEXT NOT NULL,
  parent TEXT,
  body BLOB NOT NULL
);
CREATE INDEX documents_run ON documents (run, name, id);
CREATE INDEX documents_parent ON documents (parent, id) WHERE parent IS NOT NULL;
-- Events per descriptor, for run summaries.
CREATE TABLE streams (
  descriptor TEXT PRIMARY KEY,
  run TEXT NOT NULL,
  stream TEXT NOT NULL,
  events INTEGER NOT NULL
);
CREATE INDEX streams_run ON streams (run);
CREATE TABLE event_pages (
  id INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL,
  page_no INTEGER NOT NULL,
  descriptor TEXT NOT NULL,
  origin INTEGER NOT NULL,       -- 0: single events, 1: an event_page
  length INTEGER NOT NULL,
  seq_first REAL NOT NULL,
  seq_last REAL NOT NULL,
  time_first REAL NOT NULL,
  time_last REAL NOT NULL,
  has_filled INTEGER NOT NULL,
  uids BLOB NOT NULL,            -- string list (codec/stringList.ts)
  seq_nums BLOB NOT NULL,        -- little-endian float64
  times BLOB NOT NULL,           -- little-endian float64
  UNIQUE (batch, page_no)
);
CREATE INDEX event_pages_descriptor ON event_pages (descriptor, seq_first);
CREATE TABLE event_columns (
  page INTEGER NOT NULL,
  role INTEGER NOT NULL,         -- 0: data, 1: timestamps, 2: filled
  key TEXT NOT NULL,
  encoding INTEGER NOT NULL,     -- 0: little-endian float64, 1: exact msgpack
  shape TEXT NOT NULL,           -- JSON array: [rows, ...shape of each value]
  bytes BLOB NOT NULL,
  count INTEGER,                 -- this page's statistics (data columns)
  min REAL,
  max REAL,
  sum REAL,
  PRIMARY KEY (page, role, key)
);
CREATE TABLE datum_pages (
  id INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL,
  page_no INTEGER NOT NULL,
  resource TEXT NOT NULL,
  origin INTEGER NOT NULL,       -- 0: single datums, 1: a datum_page
  length INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (batch, page_no)
);
CREATE INDEX datum_pages_resource ON datum_pages (resource, id);
-- The replay order of each run, one log per batch.
CREATE TABLE run_logs (
  run TEXT NOT NULL,
  batch INTEGER NOT NULL,
  entries BLOB NOT NULL,
  PRIMARY KEY (run, batch)
);
CREATE TABLE field_stats (
  descriptor TEXT NOT NULL,
  key TEXT NOT NULL,
  events INTEGER NOT NULL,
  count INTEGER NOT NULL,
  min REAL,
  max REAL,
  sum REAL,
  shape TEXT,
  PRIMARY KEY (descriptor, key)
);
-- Words of the start metadata, for full-text search.
CREATE VIRTUAL TABLE run_text USING fts5 (uid UNINDEXED, text);
`;

/**
 * Version 2, for queries: scan_id keeps every finite number (as json_extract sees it), plan_name is
 * indexed, run_text holds the start's words normalised by queries/fullText.ts (FTS5's ascii tokenizer then
 * only splits on the spaces between them, so memory and SQLite see the same words), and descriptors are kept
 * as JSON for `descriptors.` keys.
 */
function upgradeToVersion2(db: Database.Database): void {
  db.exec(`
    -- With the JSON type too, the compiled test (type 'text' and value) is answered by the index alone.
    CREATE INDEX runs_plan_name ON runs (json_extract(start, '$."plan_name"'), json_type(start, '$."plan_name"'));
    DROP TABLE run_text;
    CREATE VIRTUAL TABLE run_text USING fts5 (uid UNINDEXED, text, tokenize = 'ascii');
    CREATE TABLE run_descriptors (
      uid TEXT PRIMARY KEY,
      run TEXT NOT NULL,
      descriptor TEXT NOT NULL       -- JSON
    );
    CREATE INDEX run_descriptors_run ON run_descriptors (run);
  `);
  const setColumns = db.prepare("UPDATE runs SET time = ?, scan_id = ? WHERE uid = ?");
  const addText = db.prepare("INSERT INTO run_text (uid, text) VALUES (?, ?)");
  // .all(), not .iterate(): better-sqlite3 forbids writes on a connection while a read is still stepping.
  for (const row of db.prepare("SELECT uid, start FROM runs").all() as Array<{
    uid: string;
    start: string;
  }>) {
    const start = JSON.parse(row.start);
    setColumns.run(finiteOrNull(start.time), finiteOrNull(start.scan_id), row.uid);
    addText.run(row.uid, indexedText(start));
  }
  const descriptors = db.prepare(
    "SELECT uid, run, body FROM documents WHERE name = 'descriptor' ORDER BY id",
  );
  for (const row of descriptors.all() as Array<{ uid: string; run: string; body: Uint8Array }>)
    writeRunDescriptor((text) => db.prepare(text), row.uid, row.run, decodeExact(row.body));
}

/** Version 3: the audit of deleted runs (storage/deletions.ts), one row per deletion, never deleted itself. */
function upgradeToVersion3(db: Database.Database): void {
  db.exec(`
    CREATE TABLE deletions (
      id INTEGER PRIMARY KEY,
      uid TEXT NOT NULL,
      scan_id INTEGER,
      plan_name TEXT,
      deleted_at REAL NOT NULL,      -- seconds since the epoch
      deleted_by TEXT NOT NULL,
      reason TEXT
    );
  `);
}

/**
 * Version 4: the access data (access/AccessRecords.ts): the state as JSON text in one row with its version, the
 * audit of its changes (never deleted), and each API key's last use; and an index on the start's `beamtime`
 * (the default beamtime key), so that a user's visible runs are found by the index, not by reading every start.
 * Its expression is the one the query compiler writes for that key (compileQuery.ts `accessor`).
 */
function upgradeToVersion4(db: Database.Database): void {
  db.exec(`
    CREATE TABLE access_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      state TEXT NOT NULL            -- JSON, exactly as written
    );
    CREATE TABLE access_audit (
      id INTEGER PRIMARY KEY,        -- from 1, no gaps: one writer at a time, and a rollback leaves none
      at REAL NOT NULL,              -- seconds since the epoch
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      detail TEXT NOT NULL           -- JSON
    );
    CREATE TABLE key_uses (
      prefix TEXT PRIMARY KEY,
      at REAL NOT NULL
    );
    CREATE INDEX runs_beamtime ON runs (json_extract(start, '$."beamtime"'));
  `);
}

/**
 * Version 5: annotations (annotations/AnnotationRecords.ts). `annotations` holds each one's latest state
 * (deleted ones too, flagged, so an id is never reused) with `revision` for compare-and-swap and `searchable`
 * (annotationRows.ts searchRowsOf, kept as JSONB: JSON functions read it without parsing text) for
 * `annotations.` keys; `annotation_revisions` its history. The search rows exist for live annotations only:
 * `annotation_readers`, a row per reader token (what the readers filter of `annotations.` keys probes), and
 * `annotation_tags`, a row per tag and reader token, carrying the run, so `tags contains "x"` never joins nor
 * reads the annotations: the tag's range of its primary key (a rare tag's runs), or a probe of (tag, run) per
 * run in the order searched (a common tag: a page needs few probes); see compileQuery.ts tagMembership.
 */
function upgradeToVersion5(db: Database.Database): void {
  db.exec(`
    CREATE TABLE annotations (
      id TEXT PRIMARY KEY,
      run TEXT NOT NULL,
      revision INTEGER NOT NULL,
      deleted INTEGER NOT NULL,      -- 1 once deleted: the row stays, so the id stays taken
      created REAL NOT NULL,
      body TEXT NOT NULL,            -- the Annotation, JSON
      searchable BLOB NOT NULL       -- searchableOf(annotation), JSONB: what annotations. keys read
    );
    CREATE INDEX annotations_run ON annotations (run, created, id);
    CREATE TABLE annotation_revisions (
      annotation TEXT NOT NULL,
      revision INTEGER NOT NULL,
      at REAL NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      annotation_json TEXT NOT NULL, -- the Annotation after the change
      PRIMARY KEY (annotation, revision)
    ) WITHOUT ROWID;
    CREATE TABLE annotation_readers (
      annotation TEXT NOT NULL,
      run TEXT NOT NULL,
      reader TEXT NOT NULL,
      PRIMARY KEY (annotation, reader)
    ) WITHOUT ROWID;
    CREATE TABLE annotation_tags (
      tag TEXT NOT NULL,
      reader TEXT NOT NULL,
      run TEXT NOT NULL,
      annotation TEXT NOT NULL,
      PRIMARY KEY (tag, run, reader, annotation)
    ) WITHOUT ROWID;
    CREATE INDEX annotation_tags_annotation ON annotation_tags (annotation);
  `);
}

/**
 * Version 6, for search into data: `field_stats` gains the range of each event's sum and mean and `indexed`
 * (queries/fieldStats.ts), and `stream_stats` holds them summed per stream of a run (streamStatsSql.ts),
 * indexed by the statistics compared most so a data query reads a range of one index. Fields stored before are kept as they
 * were: scalars get their sums and means (each event's is its value); array and external fields are marked
 * not indexed, for `databroker index` to compute.
 */
function upgradeToVersion6(db: Database.Database): void {
  db.exec(`
    ALTER TABLE field_stats ADD COLUMN sum_min REAL;
    ALTER TABLE field_stats ADD COLUMN sum_max REAL;
    ALTER TABLE field_stats ADD COLUMN mean_min REAL;
    ALTER TABLE field_stats ADD COLUMN mean_max REAL;
    ALTER TABLE field_stats ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
    UPDATE field_stats SET sum_min = min, sum_max = max, mean_min = min, mean_max = max WHERE shape = '[]';
    UPDATE field_stats SET indexed = 0 WHERE count > 0 AND (shape IS NULL OR shape <> '[]');
    UPDATE field_stats SET indexed = 0 WHERE EXISTS (
      SELECT 1 FROM run_descriptors d WHERE d.uid = field_stats.descriptor
        AND json_type(d.descriptor, '$."data_keys"."' || field_stats.key || '"."external"') NOT IN ('null', 'false'));
    CREATE TABLE stream_stats (
      run TEXT NOT NULL,
      stream TEXT NOT NULL,
      field TEXT NOT NULL,           -- '': the stream itself
      events INTEGER NOT NULL,
      count INTEGER NOT NULL,
      min REAL,
      max REAL,
      sum REAL,
      sum_min REAL,
      sum_max REAL,
      mean_min REAL,
      mean_max REAL,
      shape TEXT,
      indexed INTEGER NOT NULL,
      PRIMARY KEY (run, stream, field)
    ) WITHOUT ROWID;
    ${STREAM_STATS_INDEXES}
    ${insertStreamStats(null)};
  `);
}

const UPGRADES: Array<(db: Database.Database) => void> = [
  upgradeToVersion2,
  upgradeToVersion3,
  upgradeToVersion4,
  upgradeToVersion5,
  upgradeToVersion6,
  // Version 7: the fuzzy search vocabulary (vocabularyRows.ts), filled from the runs already stored.
  createVocabulary,
];

/**
 * What a read-only open requires: this code's schema, untouched. An empty file (version 0, no tables) holds
 * no catalog; an older one is upgraded by `databroker migrate`, which a read never does for the user.
 */
export function checkSchema(db: Database.Database, uri: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version === 0 && db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get() === 0)
    throw new NoCatalogError(uri, "the file is an empty SQLite database");
  if (version > SCHEMA_VERSION) {
    throw new UnsupportedError(
      `${uri}: catalog schema version ${version} is newer than this databroker reads (${SCHEMA_VERSION})`,
    );
  }
  throw new UnsupportedError(
    `${uri}: catalog schema version ${version}, this databroker reads ${SCHEMA_VERSION}: ` +
      `run databroker migrate --catalog ${uri}`,
  );
}

/** Creates the schema in a new file, upgrades an older one, or checks that a file has the one this code reads. */
export function ensureSchema(db: Database.Database, location: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new UnsupportedError(
      `${location}: catalog schema version ${version} is newer than this databroker reads (${SCHEMA_VERSION})`,
    );
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    // Another process may have created it while this one waited for the lock.
    let now = db.pragma("user_version", { simple: true }) as number;
    if (now === 0) {
      db.exec(SCHEMA_V1);
      now = 1;
    }
    for (; now < SCHEMA_VERSION; now++) UPGRADES[now - 1](db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
