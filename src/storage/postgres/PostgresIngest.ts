// The PostgreSQL side of a put, on one client inside a transaction: lock the runs the batch touches, look up
// what is stored, then write the prepared batch with a handful of bulk statements (unnest arrays, blobs packed
// into one bytea parameter). Concurrent writers of one run take turns on a transaction-scoped advisory lock
// per run (why not SERIALIZABLE, and how the keys are chosen: README, Design notes).

import type { FieldStats } from "../../queries/fieldStats.ts";
import { indexedText } from "../../queries/fullText.ts";
import { decodeExact, encodeExact } from "../codec/exactMsgpack.ts";
import { vocabularyOf } from "../fuzzyVocabulary.ts";
import type { IngestTransaction, StoredDocument } from "../ingest/IngestBackend.ts";
import {
  COLUMN_ENCODINGS,
  COLUMN_ROLES,
  type DatumPageRecord,
  type EventPageRecord,
  type PreparedBatch,
  type SingletonName,
} from "../records.ts";
import { insertStreamStats, touchedStreams } from "../streamStatsSql.ts";
import { BlobPack } from "./blobPack.ts";
import { CHANGES_CHANNEL, changeNotices } from "./changeNotices.ts";
import { bound, type Queryable, statement } from "./connectionPool.ts";
import { jsonView } from "./jsonView.ts";
import {
  DATUM_PAGE_COLUMNS,
  type DatumPageRow,
  datumPageRecord,
  type EventPageRow,
  eventPageRecords,
  PAGE_COLUMNS,
  storedFieldStats,
} from "./rows.ts";
import { float8Text } from "./sqlParams.ts";
import { addVocabulary } from "./vocabularyRows.ts";

/** Bytes of blobs per bulk statement: large enough to amortise a round trip, far below the 1 GB limit. */
const PACK_BYTES = 32 * 1024 * 1024;

const STORED_DOCUMENTS = statement(
  "stored_documents",
  "SELECT uid, name, run, body FROM documents WHERE uid = ANY($1::text[])",
);
/** Advisory locks a put may take: a power of two. */
const LOCK_BUCKETS = 256;
/** The first half of databroker's two-part advisory lock keys (ASCII "dbrk"). */
const LOCK_NAMESPACE = 0x6462726b;
/** Locks the keys (run uids, document uids) of $1; a deletion takes its run's key as a put into it does. */
export const LOCK_KEYS = statement(
  "lock_keys",
  `SELECT count(pg_advisory_xact_lock(${LOCK_NAMESPACE}, bucket))
   FROM (SELECT DISTINCT hashtext(name) & ${LOCK_BUCKETS - 1} AS bucket FROM unnest($1::text[]) AS name ORDER BY 1) AS buckets`,
);
const STORED_STOPS = statement(
  "stored_stops",
  "SELECT uid, stop_uid FROM runs WHERE uid = ANY($1::text[]) AND stop_uid IS NOT NULL",
);
const OVERLAPPING_PAGES = statement(
  "overlapping_pages",
  `SELECT ${PAGE_COLUMNS} FROM event_pages WHERE descriptor = $1 AND seq_first <= $2 AND seq_last >= $3 ORDER BY seq_first, id`,
);
const RESOURCE_DATUM_PAGES = statement(
  "resource_datum_pages",
  `SELECT ${DATUM_PAGE_COLUMNS} FROM datum_pages WHERE resource = $1 ORDER BY id`,
);

const NOTIFY = statement("notify", "SELECT pg_notify($1, $2)");
const INSERT_BATCH = statement("insert_batch", "INSERT INTO batches DEFAULT VALUES RETURNING id");
const INSERT_DOCUMENTS = statement(
  "insert_documents",
  `INSERT INTO documents (uid, name, run, parent, body)
   SELECT d.uid, d.name, d.run, d.parent, substring($5::bytea FROM d.o FOR d.l)
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::integer[], $7::integer[]) WITH ORDINALITY
     AS d(uid, name, run, parent, o, l, n)
   ORDER BY d.n`,
);
const INSERT_RUNS = statement(
  "insert_runs",
  `INSERT INTO runs (uid, start, start_json, words)
   SELECT r.uid, r.doc::jsonb, r.doc::json, array_to_tsvector(string_to_array(r.words, ' '))
   FROM unnest($1::text[], $2::text[], $3::text[]) AS r(uid, doc, words)`,
);
const SET_STOPS = statement(
  "set_stops",
  `UPDATE runs SET stop = s.doc::jsonb, stop_json = s.doc::json, stop_uid = s.uid
   FROM unnest($1::text[], $2::text[], $3::text[]) AS s(run, uid, doc) WHERE runs.uid = s.run`,
);
const INSERT_DESCRIPTORS = statement(
  "insert_descriptors",
  `INSERT INTO descriptors (uid, run, doc, doc_json)
   SELECT d.uid, d.run, d.doc::jsonb, d.doc::json FROM unnest($1::text[], $2::text[], $3::text[]) AS d(uid, run, doc)`,
);
const INSERT_PAGES = statement(
  "insert_event_pages",
  `INSERT INTO event_pages (batch, page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last,
     has_filled, uids, seq_nums, times)
   SELECT $1::bigint, p.page_no, p.descriptor, p.origin, p.length, p.seq_first, p.seq_last, p.time_first, p.time_last,
     p.has_filled, substring($11::bytea FROM p.o FOR p.l - p.length * 16),
     substring($11::bytea FROM p.o + p.l - p.length * 16 FOR p.length * 8),
     substring($11::bytea FROM p.o + p.l - p.length * 8 FOR p.length * 8)
   FROM unnest($2::integer[], $3::text[], $4::smallint[], $5::integer[], $6::float8[], $7::float8[], $8::float8[],
     $9::float8[], $10::boolean[], $12::integer[], $13::integer[]) WITH ORDINALITY
     AS p(page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last, has_filled, o, l, n)
   ORDER BY p.n
   RETURNING id, page_no`,
);
const INSERT_COLUMNS = statement(
  "insert_event_columns",
  `INSERT INTO event_columns (page, position, role, key, encoding, shape, bytes, count, min, max, sum)
   SELECT c.page, c.position, c.role, c.key, c.encoding, c.shape::integer[], substring($6::bytea FROM c.o FOR c.l),
     c.count, c.min, c.max, c.sum
   FROM unnest($1::bigint[], $2::integer[], $3::smallint[], $4::text[], $5::smallint[], $7::text[], $8::integer[],
     $9::integer[], $10::bigint[], $11::float8[], $12::float8[], $13::float8[])
     AS c(page, position, role, key, encoding, shape, o, l, count, min, max, sum)`,
);
const INSERT_DATUM_PAGES = statement(
  "insert_datum_pages",
  `INSERT INTO datum_pages (batch, page_no, resource, origin, length, body)
   SELECT $1::bigint, d.page_no, d.resource, d.origin, d.length, substring($6::bytea FROM d.o FOR d.l)
   FROM unnest($2::integer[], $3::text[], $4::smallint[], $5::integer[], $7::integer[], $8::integer[]) WITH ORDINALITY
     AS d(page_no, resource, origin, length, o, l, n)
   ORDER BY d.n`,
);
const INSERT_LOGS = statement(
  "insert_run_logs",
  `INSERT INTO run_logs (run, batch, entries)
   SELECT l.run, $1::bigint, substring($3::bytea FROM l.o FOR l.l) FROM unnest($2::text[], $4::integer[], $5::integer[]) AS l(run, o, l)`,
);
const COUNT_EVENTS = statement(
  "count_events",
  `INSERT INTO streams (descriptor, run, stream, events)
   SELECT s.descriptor, s.run, s.stream, s.added FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY
     AS s(descriptor, run, stream, added, n)
   ORDER BY s.n
   ON CONFLICT (descriptor) DO UPDATE SET events = streams.events + excluded.events`,
);
const SAVE_STATS = statement(
  "save_field_stats",
  `INSERT INTO field_stats (descriptor, key, events, count, min, max, sum, shape, sum_min, sum_max, mean_min,
     mean_max, indexed)
   SELECT f.descriptor, f.key, f.events, f.count, f.min, f.max, f.sum, f.shape::integer[], f.sum_min, f.sum_max,
     f.mean_min, f.mean_max, f.indexed
   FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::text[],
       $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::integer[])
     AS f(descriptor, key, events, count, min, max, sum, shape, sum_min, sum_max, mean_min, mean_max, indexed)
   ON CONFLICT (descriptor, key) DO UPDATE SET events = excluded.events, count = excluded.count, min = excluded.min,
     max = excluded.max, sum = excluded.sum, shape = excluded.shape, sum_min = excluded.sum_min,
     sum_max = excluded.sum_max, mean_min = excluded.mean_min, mean_max = excluded.mean_max,
     indexed = excluded.indexed`,
);
/** The statistics of the streams a batch touched, rewritten from their descriptors' (two statements). */
const CLEAR_STREAM_STATS = statement(
  "clear_stream_stats",
  `DELETE FROM stream_stats t USING unnest($1::text[], $2::text[]) AS s(run, stream)
   WHERE t.run = s.run AND t.stream = s.stream`,
);
const FILL_STREAM_STATS = statement(
  "fill_stream_stats",
  insertStreamStats("(s.run, s.stream) IN (SELECT * FROM unnest($1::text[], $2::text[]))"),
);

/** An integer[] literal (arrays of arrays must be rectangular, so shapes travel as text). */
function arrayLiteral(values: number[] | null): string | null {
  return values === null ? null : `{${values.join(",")}}`;
}

export class PostgresIngest implements IngestTransaction {
  private readonly locked = new Set<string>();

  constructor(private readonly client: Queryable) {}

  async documents(uids: string[]): Promise<Map<string, StoredDocument>> {
    for (;;) {
      const { rows } = await this.client.query(bound(STORED_DOCUMENTS, [uids]));
      const keys = new Set<string>(rows.map((row) => row.run as string));
      const found = new Set<string>(rows.map((row) => row.uid as string));
      for (const uid of uids) if (!found.has(uid)) keys.add(uid);
      const missing = [...keys].filter((key) => !this.locked.has(key));
      if (missing.length === 0) {
        return new Map(
          rows.map((row) => [
            row.uid,
            { uid: row.uid, name: row.name as SingletonName, run: row.run, doc: decodeExact(row.body) },
          ]),
        );
      }
      await this.client.query(bound(LOCK_KEYS, [missing]));
      for (const key of missing) this.locked.add(key);
    }
  }

  async stops(runUids: string[]): Promise<Map<string, string>> {
    const { rows } = await this.client.query(bound(STORED_STOPS, [runUids]));
    return new Map(rows.map((row) => [row.uid as string, row.stop_uid as string]));
  }

  async eventPages(descriptor: string, first: number, last: number): Promise<EventPageRecord[]> {
    const { rows } = await this.client.query<EventPageRow>(
      bound(OVERLAPPING_PAGES, [descriptor, float8Text(last), float8Text(first)]),
    );
    return eventPageRecords(this.client, rows);
  }

  async datumPages(resource: string): Promise<DatumPageRecord[]> {
    const { rows } = await this.client.query<DatumPageRow>(bound(RESOURCE_DATUM_PAGES, [resource]));
    return rows.map(datumPageRecord);
  }

  fieldStats(descriptors: string[]): Promise<Map<string, Record<string, FieldStats>>> {
    return storedFieldStats(this.client, descriptors);
  }

  async write(prepared: PreparedBatch): Promise<void> {
    const batch = Number((await this.client.query(bound(INSERT_BATCH, []))).rows[0].id);
    await this.writeDocuments(prepared);
    await this.writeEventPages(batch, prepared.eventPages);
    await this.writeDatumPages(batch, prepared.datumPages);
    if (prepared.logs.length > 0) {
      const pack = new BlobPack();
      for (const log of prepared.logs) pack.add(encodeExact(log.entries));
      await this.client.query(
        bound(INSERT_LOGS, [
          batch,
          prepared.logs.map((log) => log.run),
          pack.bytes(),
          pack.offsets,
          pack.lengths,
        ]),
      );
    }
    const counts = prepared.streamCounts;
    if (counts.length > 0) {
      await this.client.query(
        bound(COUNT_EVENTS, [
          counts.map((count) => count.descriptor),
          counts.map((count) => count.run),
          counts.map((count) => count.stream),
          counts.map((count) => count.added),
        ]),
      );
    }
    await this.writeFieldStats(prepared);
    // Delivered to every listening process when (and only if) this transaction commits.
    for (const payload of changeNotices(prepared))
      await this.client.query(bound(NOTIFY, [CHANGES_CHANNEL, payload]));
  }

  private async writeDocuments({ documents }: PreparedBatch): Promise<void> {
    if (documents.length === 0) return;
    const pack = new BlobPack();
    for (const record of documents) pack.add(record.body);
    await this.client.query(
      bound(INSERT_DOCUMENTS, [
        documents.map((record) => record.uid),
        documents.map((record) => record.name),
        documents.map((record) => record.run),
        documents.map((record) => record.parent),
        pack.bytes(),
        pack.offsets,
        pack.lengths,
      ]),
    );
    const starts = documents.filter((record) => record.name === "start");
    if (starts.length > 0) {
      await this.client.query(
        bound(INSERT_RUNS, [
          starts.map((record) => record.uid),
          starts.map((record) => jsonView(record.doc)),
          starts.map((record) => indexedText(record.doc)),
        ]),
      );
      await addVocabulary(
        this.client,
        starts.flatMap((record) => vocabularyOf(record.doc)),
      );
    }
    const stops = documents.filter((record) => record.name === "stop");
    if (stops.length > 0) {
      await this.client.query(
        bound(SET_STOPS, [
          stops.map((record) => record.run),
          stops.map((record) => record.uid),
          stops.map((record) => jsonView(record.doc)),
        ]),
      );
    }
    const descriptors = documents.filter((record) => record.name === "descriptor");
    if (descriptors.length > 0) {
      await this.client.query(
        bound(INSERT_DESCRIPTORS, [
          descriptors.map((record) => record.uid),
          descriptors.map((record) => record.run),
          descriptors.map((record) => jsonView(record.doc)),
        ]),
      );
    }
  }

  private async writeEventPages(batch: number, pages: EventPageRecord[]): Promise<void> {
    let chunk: EventPageRecord[] = [];
    let bytes = 0;
    for (const page of pages) {
      chunk.push(page);
      bytes += page.uids.byteLength + page.seqNums.byteLength + page.times.byteLength;
      for (const column of page.columns) bytes += column.bytes.byteLength;
      if (bytes >= PACK_BYTES) {
        await this.writeEventPageChunk(batch, chunk);
        chunk = [];
        bytes = 0;
      }
    }
    if (chunk.length > 0) await this.writeEventPageChunk(batch, chunk);
  }

  private async writeEventPageChunk(batch: number, pages: EventPageRecord[]): Promise<void> {
    // One entry per page: its uids, seq_nums and times back to back (the last two are 8 bytes a row).
    const heads = new BlobPack();
    for (const page of pages) heads.add(page.uids, page.seqNums, page.times);
    const { rows } = await this.client.query(
      bound(INSERT_PAGES, [
        batch,
        pages.map((page) => page.pageNo),
        pages.map((page) => page.descriptor),
        pages.map((page) => (page.origin === "event" ? 0 : 1)),
        pages.map((page) => page.length),
        pages.map((page) => float8Text(page.seqFirst)),
        pages.map((page) => float8Text(page.seqLast)),
        pages.map((page) => float8Text(page.timeFirst)),
        pages.map((page) => float8Text(page.timeLast)),
        pages.map((page) => page.hasFilled),
        heads.bytes(),
        heads.offsets,
        heads.lengths,
      ]),
    );
    const ids = new Map<number, number>(rows.map((row) => [row.page_no as number, Number(row.id)]));
    const pack = new BlobPack();
    const columns = {
      page: [] as number[],
      position: [] as number[],
      role: [] as number[],
      key: [] as string[],
      encoding: [] as number[],
      shape: [] as Array<string | null>,
      count: [] as Array<number | null>,
      min: [] as Array<string | null>,
      max: [] as Array<string | null>,
      sum: [] as Array<string | null>,
    };
    for (const page of pages) {
      page.columns.forEach((column, position) => {
        columns.page.push(ids.get(page.pageNo)!);
        columns.position.push(position);
        columns.role.push(COLUMN_ROLES.indexOf(column.role));
        columns.key.push(column.key);
        columns.encoding.push(COLUMN_ENCODINGS.indexOf(column.encoding));
        columns.shape.push(arrayLiteral(column.shape));
        columns.count.push(column.stats?.count ?? null);
        columns.min.push(float8Text(column.stats?.min ?? null));
        columns.max.push(float8Text(column.stats?.max ?? null));
        columns.sum.push(float8Text(column.stats?.sum ?? null));
        pack.add(column.bytes);
      });
    }
    if (columns.page.length === 0) return;
    await this.client.query(
      bound(INSERT_COLUMNS, [
        columns.page,
        columns.position,
        columns.role,
        columns.key,
        columns.encoding,
        pack.bytes(),
        columns.shape,
        pack.offsets,
        pack.lengths,
        columns.count,
        columns.min,
        columns.max,
        columns.sum,
      ]),
    );
  }

  private async writeDatumPages(batch: number, pages: DatumPageRecord[]): Promise<void> {
    for (let at = 0; at < pages.length; ) {
      const pack = new BlobPack();
      const chunk: DatumPageRecord[] = [];
      while (at < pages.length && pack.size < PACK_BYTES) {
        chunk.push(pages[at]);
        pack.add(pages[at++].body);
      }
      await this.client.query(
        bound(INSERT_DATUM_PAGES, [
          batch,
          chunk.map((page) => page.pageNo),
          chunk.map((page) => page.resource),
          chunk.map((page) => (page.origin === "datum" ? 0 : 1)),
          chunk.map((page) => page.length),
          pack.bytes(),
          pack.offsets,
          pack.lengths,
        ]),
      );
    }
  }

  private async writeFieldStats(prepared: PreparedBatch): Promise<void> {
    const rows = prepared.fieldStats.flatMap(({ descriptor, stats }) =>
      Object.entries(stats).map(([key, field]) => ({ descriptor, key, field })),
    );
    if (rows.length > 0) {
      await this.client.query(
        bound(SAVE_STATS, [
          rows.map((row) => row.descriptor),
          rows.map((row) => row.key),
          rows.map((row) => row.field.events),
          rows.map((row) => row.field.count),
          rows.map((row) => float8Text(row.field.min)),
          rows.map((row) => float8Text(row.field.max)),
          rows.map((row) => float8Text(row.field.sum)),
          rows.map((row) => arrayLiteral(row.field.shape)),
          rows.map((row) => float8Text(row.field.sumMin)),
          rows.map((row) => float8Text(row.field.sumMax)),
          rows.map((row) => float8Text(row.field.meanMin)),
          rows.map((row) => float8Text(row.field.meanMax)),
          rows.map((row) => (row.field.indexed ? 1 : 0)),
        ]),
      );
    }
    const streams = touchedStreams(prepared.streamCounts);
    if (streams.length === 0) return;
    const params = [streams.map(([run]) => run), streams.map(([, stream]) => stream)];
    await this.client.query(bound(CLEAR_STREAM_STATS, params));
    await this.client.query(bound(FILL_STREAM_STATS, params));
  }
}
