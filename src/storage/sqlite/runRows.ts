// The rows queries read, written as documents are stored: `runs` (start and stop as JSON, with time and
// scan_id copied into indexed columns), `run_text` (the start's normalised words for FTS5) and
// `run_descriptors` (each descriptor as JSON, for `descriptors.` keys), and the fuzzy vocabulary's new words. Columns hold exactly what queries see
// in the JSON (finite numbers, else NULL), so an indexed column and json_extract always agree.
import type Database from "better-sqlite3";
import { indexedText } from "../../queries/fullText.ts";
import type { DocumentRecord } from "../records.ts";
import { addVocabulary } from "./vocabularyRows.ts";

type Statements = (text: string) => Database.Statement;

/** A number as the runs table keeps it: finite, else null (as JSON would store it). */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function writeRunStart(sql: Statements, uid: string, start: Record<string, unknown>): void {
  sql("INSERT INTO runs (uid, time, scan_id, start) VALUES (?, ?, ?, ?)").run(
    uid,
    finiteOrNull(start.time),
    finiteOrNull(start.scan_id),
    JSON.stringify(start),
  );
  sql("INSERT INTO run_text (uid, text) VALUES (?, ?)").run(uid, indexedText(start));
  addVocabulary(sql, start);
}

export function writeRunDescriptor(sql: Statements, uid: string, run: string, descriptor: unknown): void {
  sql("INSERT INTO run_descriptors (uid, run, descriptor) VALUES (?, ?, ?)").run(
    uid,
    run,
    JSON.stringify(descriptor),
  );
}

/** Writes the query rows of one stored document (start, stop and descriptor have some). */
export function writeRunRows(sql: Statements, record: DocumentRecord): void {
  if (record.name === "start") writeRunStart(sql, record.uid, record.doc);
  else if (record.name === "stop") {
    sql("UPDATE runs SET stop = ?, stop_uid = ? WHERE uid = ?").run(
      JSON.stringify(record.doc),
      record.uid,
      record.run,
    );
  } else if (record.name === "descriptor") writeRunDescriptor(sql, record.uid, record.run, record.doc);
}
