// What both layout readers share: decoding a record with errors that name the file and byte, the passes
// that index a collection while keeping going past damage (the damage is remembered, then reported), and
// the batches of documents handed on to the ingest.
import { UnreadableError } from "../../../errors.ts";
import type { DocumentPair } from "../../types.ts";
import type { DocumentItem } from "../DocumentStream.ts";
import { BsonProblem, decodeBson } from "./bsonDecode.ts";
import { type BsonRecord, bsonRecords, bsonRecordsIn, type Extent } from "./bsonFile.ts";

export interface MongoReadOptions {
  onBytesRead?: (bytes: number) => void;
  /** Told what the reader left out on purpose (revisions, orphans, runs held back after damage). */
  onNote?: (message: string) => void;
}

/** The document of a record, without Mongo's `_id`; an undecodable one is an UnreadableError at its byte. */
export function decodeRecord(record: BsonRecord, path: string): Record<string, unknown> {
  return decodeRecordWithId(record, path).doc;
}

/** The same, with the `_id` as hex when it is an ObjectId (very old Resources are referenced by it). */
export function decodeRecordWithId(
  record: BsonRecord,
  path: string,
): { doc: Record<string, unknown>; objectId?: string } {
  try {
    const doc = decodeBson(record.bytes, record.start);
    const id = doc._id;
    delete doc._id;
    return typeof id === "string" && /^[0-9a-f]{24}$/.test(id) ? { doc, objectId: id } : { doc };
  } catch (error) {
    if (!(error instanceof BsonProblem)) throw error;
    const at = record.offset + error.at - record.start;
    throw new UnreadableError(
      path,
      `byte ${at}`,
      `${error.message} (in the record at byte ${record.offset})`,
    );
  }
}

/** The records of whole byte ranges of a file, decoded. */
export async function* documentsIn(
  path: string,
  extents: readonly Extent[],
): AsyncGenerator<Record<string, unknown>> {
  for await (const batch of bsonRecordsIn(path, extents))
    for (const record of batch) yield decodeRecord(record, path);
}

/**
 * One pass over a collection file, `see` called on each record. Damage (a bad length, a truncated file, a
 * record that will not decode) ends the pass — a bad record cannot be stepped over safely — and is added to
 * `failures`; the records before it have been seen.
 */
export async function indexPass(
  path: string | undefined,
  failures: UnreadableError[],
  options: MongoReadOptions,
  see: (record: BsonRecord) => void,
): Promise<void> {
  if (path === undefined) return;
  try {
    for await (const batch of bsonRecords(path, options.onBytesRead)) for (const record of batch) see(record);
  } catch (error) {
    if (!(error instanceof UnreadableError)) throw error;
    failures.push(error);
  }
}

/** Documents gathered into batches of a thousand or so, the size the ingest reads them in. */
export class Batches {
  private items: DocumentItem[] = [];

  push(name: DocumentPair[0], doc: Record<string, unknown>): readonly DocumentItem[] | undefined {
    this.items.push([name, doc] as DocumentPair);
    return this.items.length >= 1000 ? this.take() : undefined;
  }

  take(): readonly DocumentItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  get size(): number {
    return this.items.length;
  }
}

/** Counts the records of the `*_revisions` collections: history suitcase-mongo keeps, not imported. */
export async function noteRevisions(files: Map<string, string>, options: MongoReadOptions): Promise<void> {
  for (const [collection, path] of files) {
    if (!collection.endsWith("_revisions")) continue;
    let count = 0;
    const failures: UnreadableError[] = [];
    await indexPass(path, failures, {}, () => count++);
    const current = `${collection.slice(0, -"_revisions".length)}.bson`;
    options.onNote?.(
      `${path}: ${count} earlier revision(s) not imported (history: ${current} holds the current documents)`,
    );
  }
}
