// The PostgreSQL catalog's schema as ordered migrations, applied in one transaction under an advisory lock so
// that several processes opening one database at once apply each exactly once. A migration, once released, is
// never edited: a change is a new migration. `databroker_schema` records the versions applied.
import type pg from "pg";
import { UnsupportedError } from "../../errors.ts";
import { insertStreamStats, STREAM_STATS_INDEXES } from "../streamStatsSql.ts";
import type { Queryable } from "./connectionPool.ts";
import { fillVocabulary, VOCABULARY_TABLES } from "./vocabularyRows.ts";

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** A step after the SQL that needs this code (filling a new table from stored rows), same transaction. */
  fill?: (client: pg.PoolClient) => Promise<void>;
}

/*
 * Version 1. Event data lives in pages of columns (event_pages + event_columns, bytea blobs of the shared codec),
 * never one row per event. Start, stop and descriptors are JSONB (types, containment, GIN) and JSON (the exact
 * text, for equality and order of arrays and objects). The expressions of runs_time, runs_scan_id and
 * runs_plan_name are spelled exactly as jsonPaths.ts writes them, so the planner matches them. uid is
 * COLLATE "C", so its primary key orders by code point and serves uid-prefix ranges as text_pattern_ops would;
 * every column holding uids is "C" too, since a join across collations cannot use an index. GIN indexes are
 * built without the pending list (fastupdate off): searches never scan a list of unmerged entries after bulk
 * ingest. Column blobs are stored uncompressed (EXTERNAL): float64 data does not compress, and reads stay cheap.
 */
const SCHEMA_V1 = `
CREATE TABLE batches (
  id bigserial PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE runs (
  uid text COLLATE "C" PRIMARY KEY,
  start jsonb NOT NULL,
  start_json json NOT NULL,
  stop jsonb,
  stop_json json,
  stop_uid text COLLATE "C",
  words tsvector NOT NULL
);
CREATE INDEX runs_start ON runs USING gin (start jsonb_path_ops) WITH (fastupdate = off);
CREATE INDEX runs_stop ON runs USING gin (stop jsonb_path_ops) WITH (fastupdate = off);
CREATE INDEX runs_words ON runs USING gin (words) WITH (fastupdate = off);
CREATE INDEX runs_time ON runs (
  (CASE WHEN jsonb_typeof((start -> 'time')) = 'number' THEN ((start -> 'time'))::float8 END) DESC NULLS LAST, uid
);
CREATE INDEX runs_scan_id ON runs (
  (CASE WHEN jsonb_typeof((start -> 'scan_id')) = 'number' THEN ((start -> 'scan_id'))::float8 END),
  (CASE WHEN jsonb_typeof((start -> 'time')) = 'number' THEN ((start -> 'time'))::float8 END) DESC NULLS LAST, uid
);
CREATE INDEX runs_plan_name ON runs (
  (CASE WHEN jsonb_typeof((start -> 'plan_name')) = 'string' THEN ((start -> 'plan_name') #>> '{}') END) COLLATE "C"
);
-- Every document stored one by one (start, stop, descriptor, resource, stream_resource, stream_datum) as exact
-- msgpack (what reads and replay decode): one uid namespace; id is the storage order.
CREATE TABLE documents (
  id bigserial PRIMARY KEY,
  uid text COLLATE "C" NOT NULL UNIQUE,
  name text NOT NULL,
  run text COLLATE "C" NOT NULL,
  parent text COLLATE "C",
  body bytea NOT NULL
);
CREATE INDEX documents_run ON documents (run, name, id);
CREATE INDEX documents_parent ON documents (parent, id) WHERE parent IS NOT NULL;
-- Descriptors as JSON, for queries on descriptors. keys.
CREATE TABLE descriptors (
  uid text COLLATE "C" PRIMARY KEY,
  run text COLLATE "C" NOT NULL,
  doc jsonb NOT NULL,
  doc_json json NOT NULL
);
CREATE INDEX descriptors_run ON descriptors (run);
CREATE INDEX descriptors_doc ON descriptors USING gin (doc jsonb_path_ops) WITH (fastupdate = off);
-- Events per descriptor, for run summaries (id: first-stored order of the streams).
CREATE TABLE streams (
  id bigserial,
  descriptor text COLLATE "C" PRIMARY KEY,
  run text COLLATE "C" NOT NULL,
  stream text NOT NULL,
  events bigint NOT NULL
);
CREATE INDEX streams_run ON streams (run, id);
CREATE TABLE event_pages (
  id bigserial PRIMARY KEY,
  batch bigint NOT NULL,
  page_no integer NOT NULL,
  descriptor text COLLATE "C" NOT NULL,
  origin smallint NOT NULL,      -- 0: single events, 1: an event_page
  length integer NOT NULL,
  seq_first float8 NOT NULL,
  seq_last float8 NOT NULL,
  time_first float8 NOT NULL,
  time_last float8 NOT NULL,
  has_filled boolean NOT NULL,
  uids bytea NOT NULL,           -- string list (codec/stringList.ts)
  seq_nums bytea NOT NULL,       -- little-endian float64
  times bytea NOT NULL,          -- little-endian float64
  UNIQUE (batch, page_no)
);
CREATE INDEX event_pages_descriptor ON event_pages (descriptor, seq_first, id);
CREATE TABLE event_columns (
  page bigint NOT NULL,
  position integer NOT NULL,     -- order within the page
  role smallint NOT NULL,        -- 0: data, 1: timestamps, 2: filled
  key text NOT NULL,
  encoding smallint NOT NULL,    -- 0: little-endian float64, 1: exact msgpack
  shape integer[] NOT NULL,      -- [rows, ...shape of each value]
  bytes bytea NOT NULL,
  count bigint,                  -- this page's statistics (data columns)
  min float8,
  max float8,
  sum float8,
  PRIMARY KEY (page, position)
);
ALTER TABLE event_columns ALTER COLUMN bytes SET STORAGE EXTERNAL;
CREATE TABLE datum_pages (
  id bigserial PRIMARY KEY,
  batch bigint NOT NULL,
  page_no integer NOT NULL,
  resource text COLLATE "C" NOT NULL,
  origin smallint NOT NULL,      -- 0: single datums, 1: a datum_page
  length integer NOT NULL,
  body bytea NOT NULL,
  UNIQUE (batch, page_no)
);
CREATE INDEX datum_pages_resource ON datum_pages (resource, id);
-- The replay order of each run, one log per batch.
CREATE TABLE run_logs (
  run text COLLATE "C" NOT NULL,
  batch bigint NOT NULL,
  entries bytea NOT NULL,
  PRIMARY KEY (run, batch)
);
CREATE TABLE field_stats (
  descriptor text COLLATE "C" NOT NULL,
  key text NOT NULL,
  events bigint NOT NULL,
  count bigint NOT NULL,
  min float8,
  max float8,
  sum float8,
  shape integer[],
  PRIMARY KEY (descriptor, key)
);
`;

/*
 * Version 4: annotations (annotations/Annotation.ts). An annotation is one row at its latest revision (a deleted
 * one stays, flagged, so its id is never reused and its history keeps an owner); `document` is the Annotation
 * as exact JSON text (json keeps numbers and key order as written, jsonb would not). `searchable` is what
 * `annotations.` keys query (searchableOf, as JSONB for containment and types, and as JSON text for exact
 * equality of arrays and objects, as runs keep start and start_json). Readers and tags are search rows of live
 * annotations only, so a search never filters deleted ones out. A tag row is one per tag and reader token:
 * `tags contains` and tag facets as one user read one range of (tag, reader, run) per token, never a join to
 * the readers (measured on 1,000,000 annotations: a count of a tag on half of 100,000 runs took 700 ms with
 * that join, 170 ms without); readers by their primary key serve every other annotations key. No foreign keys,
 * as in version 1: deleteRunRows.ts deletes a run's annotations after its runs row, which orders it against
 * annotation writes (see PostgresAnnotations).
 */
const SCHEMA_V4 = `
CREATE TABLE annotations (
  id text COLLATE "C" PRIMARY KEY,
  run text COLLATE "C" NOT NULL,
  revision integer NOT NULL,
  deleted boolean NOT NULL,
  created float8 NOT NULL,
  document json NOT NULL,
  searchable jsonb NOT NULL,
  searchable_json json NOT NULL
);
CREATE INDEX annotations_run ON annotations (run, created, id);
CREATE INDEX annotations_searchable ON annotations USING gin (searchable jsonb_path_ops) WITH (fastupdate = off);
CREATE TABLE annotation_revisions (
  annotation text COLLATE "C" NOT NULL,
  revision integer NOT NULL,
  at float8 NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  document json NOT NULL,
  PRIMARY KEY (annotation, revision)
);
CREATE TABLE annotation_readers (
  annotation text COLLATE "C" NOT NULL,
  run text COLLATE "C" NOT NULL,
  reader text COLLATE "C" NOT NULL,
  PRIMARY KEY (annotation, reader)
);
CREATE TABLE annotation_tags (
  annotation text COLLATE "C" NOT NULL,
  run text COLLATE "C" NOT NULL,
  tag text COLLATE "C" NOT NULL,
  reader text COLLATE "C" NOT NULL,
  PRIMARY KEY (annotation, tag, reader)
);
CREATE INDEX annotation_tags_tag ON annotation_tags (tag, reader, run);
`;

/*
 * Version 5, for search into data (as SQLite's version 6): `field_stats` gains the range of each event's sum
 * and mean and `indexed` (FieldStats.ts); `stream_stats` holds them summed per stream of a run
 * (streamStatsSql.ts), indexed by the statistics compared most. Scalars stored before get their sums and means (each
 * event's is its value); array and external fields are marked not indexed, for `databroker index`.
 */
const SCHEMA_V5 = `
ALTER TABLE field_stats ADD COLUMN sum_min float8, ADD COLUMN sum_max float8, ADD COLUMN mean_min float8,
  ADD COLUMN mean_max float8, ADD COLUMN indexed integer NOT NULL DEFAULT 1;
UPDATE field_stats SET sum_min = min, sum_max = max, mean_min = min, mean_max = max WHERE shape = '{}';
UPDATE field_stats SET indexed = 0 WHERE count > 0 AND (shape IS NULL OR shape <> '{}');
UPDATE field_stats SET indexed = 0 WHERE EXISTS (
  SELECT 1 FROM descriptors d WHERE d.uid = field_stats.descriptor
    AND coalesce(d.doc -> 'data_keys' -> field_stats.key -> 'external', 'null') NOT IN ('null', 'false'));
CREATE TABLE stream_stats (
  run text COLLATE "C" NOT NULL,
  stream text COLLATE "C" NOT NULL,
  field text COLLATE "C" NOT NULL,
  events bigint NOT NULL,
  count bigint NOT NULL,
  min float8,
  max float8,
  sum float8,
  sum_min float8,
  sum_max float8,
  mean_min float8,
  mean_max float8,
  shape integer[],
  indexed integer NOT NULL,
  PRIMARY KEY (run, stream, field)
);
${STREAM_STATS_INDEXES}
${insertStreamStats(null)};
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "runs, documents, descriptors, streams, event and datum pages, logs, statistics",
    sql: SCHEMA_V1,
  },
  {
    version: 2,
    description: "deletions: the audit of deleted runs",
    // One row per deletion (storage/deletions.ts), never deleted itself. Numbers as float8: the record keeps
    // any finite scan_id, and deleted_at is seconds since the epoch as every adapter reports it.
    sql: `
CREATE TABLE deletions (
  id bigserial PRIMARY KEY,
  uid text COLLATE "C" NOT NULL,
  scan_id float8,
  plan_name text,
  deleted_at float8 NOT NULL,
  deleted_by text NOT NULL,
  reason text
);`,
  },
  {
    version: 3,
    description: "access: the access state, its audit, API keys' last use",
    // The state as text, not jsonb: jsonb would rewrite numbers (1.0 as 1, long digits) and key order, and the
    // state must read back exactly as written. Audit ids are assigned by the writer holding the state row's
    // lock, so they run from 1 without the gaps a sequence leaves after a rollback.
    sql: `
CREATE TABLE access_state (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  state text NOT NULL
);
CREATE TABLE access_audit (
  id bigint PRIMARY KEY,
  at float8 NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL
);
CREATE TABLE key_uses (
  prefix text COLLATE "C" PRIMARY KEY,
  at float8 NOT NULL
);`,
  },
  {
    version: 4,
    description: "annotations: their revisions, and their readers and tags for search",
    sql: SCHEMA_V4,
  },
  {
    version: 5,
    description: "search into data: per-event sums and means, indexed fields, statistics per stream",
    sql: SCHEMA_V5,
  },
  {
    version: 6,
    description: "fuzzy search vocabulary: start-document words and their trigrams",
    sql: VOCABULARY_TABLES,
    fill: fillVocabulary,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The advisory lock key that serialises migrations (ASCII "dbschema" as a bigint). */
const MIGRATION_LOCK = "7233470822300872033";

export interface MigrationResult {
  /** The version found (0 for an empty database). */
  from: number;
  /** The version now. */
  to: number;
}

/** The schema version of the database, or undefined when it has none (never opened by databroker). */
export async function appliedVersion(db: Queryable): Promise<number | undefined> {
  const table = await db.query("SELECT to_regclass('databroker_schema') IS NOT NULL AS present");
  if (!table.rows[0].present) return undefined;
  const found = await db.query("SELECT coalesce(max(version), 0)::integer AS version FROM databroker_schema");
  return found.rows[0].version as number;
}

function refuseNewer(version: number, location: string): void {
  if (version > SCHEMA_VERSION) {
    throw new UnsupportedError(
      `${location}: catalog schema version ${version} is newer than this databroker reads (${SCHEMA_VERSION}); upgrade databroker`,
    );
  }
}

/**
 * Brings the database to SCHEMA_VERSION: nothing to do (no lock taken) when it is there already; a database
 * written by a newer databroker is refused rather than misread. `location` names it in errors.
 */
export async function migrate(pool: pg.Pool, location: string): Promise<MigrationResult> {
  const current = await appliedVersion(pool);
  if (current !== undefined) {
    refuseNewer(current, location);
    if (current === SCHEMA_VERSION) return { from: current, to: current };
  }
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query(
      "CREATE TABLE IF NOT EXISTS databroker_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    // Read again under the lock: another process may have migrated while this one waited.
    const from = (await appliedVersion(client)) ?? 0;
    refuseNewer(from, location);
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await migration.fill?.(client);
      await client.query("INSERT INTO databroker_schema (version, description) VALUES ($1, $2)", [
        migration.version,
        migration.description,
      ]);
    }
    await client.query("COMMIT");
    return { from, to: SCHEMA_VERSION };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
