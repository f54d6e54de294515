// The SQLite side of a put, run in the writer thread (HostedWriter) inside BEGIN IMMEDIATE: look up what is
// stored, then write the prepared batch (documents, run rows, column pages, datum pages, logs, stream counts,
// statistics). better-sqlite3 binds blobs as SQLITE_TRANSIENT: SQLite has copied them when `run` returns.

import type { FieldStats } from "../../queries/fieldStats.ts";
import { decodeExact, encodeExact } from "../codec/exactMsgpack.ts";
import type { IngestTransaction, StoredDocument } from "../ingest/IngestBackend.ts";
import { COLUMN_ENCODINGS, COLUMN_ROLES, type PreparedBatch, type SingletonName } from "../records.ts";
import { insertStreamStats, touchedStreams } from "../streamStatsSql.ts";
import type { Connection } from "./Connection.ts";
import {
  type DatumPageRow,
  datumPageRecord,
  type EventPageHead,
  eventPageRecord,
  fieldStatsRow,
  PAGE_HEAD_COLUMNS,
  storedFieldStats,
} from "./rows.ts";
import { writeRunRows } from "./runRows.ts";

export class SqliteIngest implements IngestTransaction {
  constructor(private readonly writer: Connection) {}

  async documents(uids: string[]): Promise<Map<string, StoredDocument>> {
    const rows = this.writer
      .sql("SELECT uid, name, run, body FROM documents WHERE uid IN (SELECT value FROM json_each(?))")
      .all(JSON.stringify(uids)) as Array<{
      uid: string;
      name: SingletonName;
      run: string;
      body: Uint8Array;
    }>;
    const found = new Map<string, StoredDocument>();
    for (const row of rows)
      found.set(row.uid, { uid: row.uid, name: row.name, run: row.run, doc: decodeExact(row.body) });
    return found;
  }

  async stops(runUids: string[]): Promise<Map<string, string>> {
    const rows = this.writer
      .sql(
        "SELECT uid, stop_uid FROM runs WHERE uid IN (SELECT value FROM json_each(?)) AND stop_uid IS NOT NULL",
      )
      .all(JSON.stringify(runUids)) as Array<{ uid: string; stop_uid: string }>;
    return new Map(rows.map((row) => [row.uid, row.stop_uid]));
  }

  async eventPages(descriptor: string, first: number, last: number) {
    const heads = this.writer
      .sql(
        `SELECT ${PAGE_HEAD_COLUMNS} FROM event_pages WHERE descriptor = ? AND seq_first <= ? AND seq_last >= ? ORDER BY seq_first, id`,
      )
      .all(descriptor, last, first) as EventPageHead[];
    return heads.map((head) => eventPageRecord(this.writer, head));
  }

  async datumPages(resource: string) {
    const rows = this.writer
      .sql("SELECT * FROM datum_pages WHERE resource = ? ORDER BY id")
      .all(resource) as DatumPageRow[];
    return rows.map(datumPageRecord);
  }

  async fieldStats(descriptors: string[]): Promise<Map<string, Record<string, FieldStats>>> {
    const found = new Map<string, Record<string, FieldStats>>();
    for (const descriptor of descriptors) {
      const stats = storedFieldStats(this.writer, descriptor);
      if (Object.keys(stats).length > 0) found.set(descriptor, stats);
    }
    return found;
  }

  async write(prepared: PreparedBatch): Promise<void> {
    const sql = (text: string) => this.writer.sql(text);
    const batch = Number(
      sql("INSERT INTO batches (written_at) VALUES (?)").run(Date.now() / 1000).lastInsertRowid,
    );
    const insertDocument = sql("INSERT INTO documents (uid, name, run, parent, body) VALUES (?, ?, ?, ?, ?)");
    for (const record of prepared.documents) {
      insertDocument.run(record.uid, record.name, record.run, record.parent, record.body);
      writeRunRows(sql, record);
    }
    const insertPage = sql(
      `INSERT INTO event_pages (batch, page_no, descriptor, origin, length, seq_first, seq_last, time_first, time_last,
         has_filled, uids, seq_nums, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertColumn = sql(
      `INSERT INTO event_columns (page, role, key, encoding, shape, bytes, count, min, max, sum)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const page of prepared.eventPages) {
      const id = insertPage.run(
        batch,
        page.pageNo,
        page.descriptor,
        page.origin === "event" ? 0 : 1,
        page.length,
        page.seqFirst,
        page.seqLast,
        page.timeFirst,
        page.timeLast,
        page.hasFilled ? 1 : 0,
        page.uids,
        page.seqNums,
        page.times,
      ).lastInsertRowid;
      for (const column of page.columns) {
        const stats = column.stats;
        insertColumn.run(
          id,
          COLUMN_ROLES.indexOf(column.role),
          column.key,
          COLUMN_ENCODINGS.indexOf(column.encoding),
          JSON.stringify(column.shape),
          column.bytes,
          stats?.count ?? null,
          stats?.min ?? null,
          stats?.max ?? null,
          stats?.sum ?? null,
        );
      }
    }
    const insertDatumPage = sql(
      "INSERT INTO datum_pages (batch, page_no, resource, origin, length, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const page of prepared.datumPages) {
      insertDatumPage.run(
        batch,
        page.pageNo,
        page.resource,
        page.origin === "datum" ? 0 : 1,
        page.length,
        page.body,
      );
    }
    const insertLog = sql("INSERT INTO run_logs (run, batch, entries) VALUES (?, ?, ?)");
    for (const log of prepared.logs) insertLog.run(log.run, batch, encodeExact(log.entries));
    const countEvents = sql(
      `INSERT INTO streams (descriptor, run, stream, events) VALUES (?, ?, ?, ?)
         ON CONFLICT (descriptor) DO UPDATE SET events = events + excluded.events`,
    );
    for (const count of prepared.streamCounts)
      countEvents.run(count.descriptor, count.run, count.stream, count.added);
    const saveStats = sql(
      `INSERT OR REPLACE INTO field_stats (descriptor, key, events, count, min, max, sum, shape, sum_min, sum_max,
         mean_min, mean_max, indexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { descriptor, stats } of prepared.fieldStats)
      for (const [key, field] of Object.entries(stats))
        saveStats.run(descriptor, key, ...fieldStatsRow(field));
    const clearStream = sql("DELETE FROM stream_stats WHERE run = @run AND stream = @stream");
    const fillStream = sql(insertStreamStats("s.run = @run AND s.stream = @stream"));
    for (const [run, stream] of touchedStreams(prepared.streamCounts)) {
      clearStream.run({ run, stream });
      fillStream.run({ run, stream });
    }
  }
}
