// What shared ingest needs from an adapter: a write transaction in which it can look up what is already
// stored (for idempotence, conflicts and references) and then write the prepared batch.
import type { FieldStats } from "../../queries/fieldStats.ts";
import type { DatumPageRecord, EventPageRecord, PreparedBatch, SingletonName } from "../records.ts";

export interface StoredDocument {
  uid: string;
  name: SingletonName;
  run: string;
  doc: Record<string, unknown>;
}

export interface IngestTransaction {
  /** The stored documents among `uids` (any singleton name). */
  documents(uids: string[]): Promise<Map<string, StoredDocument>>;
  /** The uid of each run's stored stop, for the runs that have one. */
  stops(runUids: string[]): Promise<Map<string, string>>;
  /** Stored pages of `descriptor` whose seq_num span meets `[first, last]`. */
  eventPages(descriptor: string, first: number, last: number): Promise<EventPageRecord[]>;
  /** Stored datum pages of `resource`. */
  datumPages(resource: string): Promise<DatumPageRecord[]>;
  fieldStats(descriptors: string[]): Promise<Map<string, Record<string, FieldStats>>>;
  /**
   * Writes the batch. `release` is called once the adapter reads the batch's page buffers no more (they then
   * serve later slices); an adapter that keeps them never calls it.
   */
  write(batch: PreparedBatch, release?: () => void): Promise<void>;
}

export interface IngestBackend {
  /** Runs `work` in one write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
}
