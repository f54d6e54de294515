// One store's writer connection inside the writer thread, and its transaction: BEGIN IMMEDIATE waited for
// without blocking the thread, the lookups and writes of a put (SqliteIngest), COMMIT, ROLLBACK, close. Writes
// are pipelined (the store does not wait for them), so a failed write is kept and answered to every later
// request of its transaction until the rollback: a batch stays all-or-nothing.
import { closeSync, fdatasync, openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import type { AuditEntry } from "../../../access/AccessRecords.ts";
import type { AnnotationChange } from "../../../annotations/AnnotationRecords.ts";
import type { DeletionRequest, RunDeletion } from "../../deletions.ts";
import { eventPageBytes, type PreparedBatch } from "../../records.ts";
import { WriteQueue } from "../../WriteQueue.ts";
import type { Connection } from "../Connection.ts";
import { deleteRunRows } from "../deleteRunRows.ts";
import { SqliteIngest } from "../SqliteIngest.ts";
import { noteKeyUseRow, writeAccessRows } from "../writeAccessRows.ts";
import { writeAnnotationRows } from "../writeAnnotationRows.ts";

/** How long a writer waits for another process's write lock (between short async sleeps). */
const LOCK_WAIT_MS = 120_000;

/**
 * When a checkpoint is due after a commit: once the commits since the last one wrote this many bytes of
 * documents and pages, or were this many. SQLite's own auto-checkpoint comes at 1,000 WAL frames, 64 MB with
 * the catalog's 64 kB pages; a small put already writes a dozen frames or so (the tables and indexes it
 * touches), and a checkpoint costs two fsyncs however little it copies, so small puts share one.
 */
const CHECKPOINT_BYTES = 16 * 1024 * 1024;
const CHECKPOINT_COMMITS = 32;
/** The planner's statistics are refreshed after a commit at most this often, and at close. */
const OPTIMIZE_INTERVAL_MS = 60_000;

/** Bytes of the documents and pages of a batch: about what it adds to the WAL. */
function batchBytes(batch: PreparedBatch): number {
  let bytes = 0;
  for (const record of batch.documents) bytes += record.body.byteLength;
  for (const page of batch.eventPages) bytes += eventPageBytes(page);
  for (const page of batch.datumPages) bytes += page.body.byteLength;
  return bytes;
}

/**
 * A large transaction's WAL is flushed to disk as it grows, every this many bytes written (see syncWal), so
 * that COMMIT's own fsync finds little left to write.
 */
const EARLY_SYNC_BYTES = 32 * 1024 * 1024;

const flush = promisify(fdatasync);

/** Savepoint names are made by GroupCommit (`put_<n>`); anything else is refused before it reaches SQL. */
function savepointName(name: string): string {
  if (!/^put_\d+$/.test(name)) throw new Error(`not a savepoint name: ${JSON.stringify(name)}`);
  return name;
}

function isBusy(error: unknown): boolean {
  return (error as { code?: string }).code === "SQLITE_BUSY";
}

export class HostedWriter {
  /** The failure of a write of the open transaction, if one failed. */
  private failure: { error: unknown } | null = null;
  private optimizedAt = 0;
  /** Bytes written by the open transaction, and by the commits since the last checkpoint, and how many. */
  private transactionBytes = 0;
  private uncheckpointedBytes = 0;
  private uncheckpointedCommits = 0;
  /**
   * The WAL file, opened by syncWal during a large transaction; the flush in progress, if any; and the
   * transaction's bytes handed to a flush so far.
   */
  private wal: number | null = null;
  private flushing: Promise<void> | null = null;
  private syncedBytes = 0;
  private readonly ingest: SqliteIngest;
  /** The store's requests, one at a time: begin waits asynchronously, and the next must wait for it. */
  readonly queue = new WriteQueue();

  constructor(private readonly connection: Connection) {
    this.ingest = new SqliteIngest(connection);
  }

  /**
   * BEGIN IMMEDIATE: the write lock up front, so the put's lookups see every commit of other processes and
   * concurrent writers queue instead of failing. Another process's lock is waited for by retries with async
   * sleeps, while the thread serves the other stores.
   */
  async begin(): Promise<void> {
    this.failure = null;
    this.transactionBytes = 0;
    this.syncedBytes = 0;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
      try {
        this.connection.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        await sleep(pause);
      }
    }
  }

  /** The lookups of a put, refused once a write of the transaction has failed. */
  get lookups(): SqliteIngest {
    this.throwFailure();
    return this.ingest;
  }

  async write(batch: PreparedBatch): Promise<void> {
    this.throwFailure();
    try {
      await this.ingest.write(batch);
      this.transactionBytes += batchBytes(batch);
      if (this.transactionBytes - this.syncedBytes >= EARLY_SYNC_BYTES) this.syncWal();
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }

  /**
   * Flushes what the open transaction has written to the WAL so far (SQLite spills the pages of a large
   * transaction into the WAL as its cache fills), in libuv's thread pool while this thread inserts the next
   * slice: COMMIT's fsync then waits for the last slice only. An extra fsync never weakens durability. The
   * WAL file is opened beside SQLite's own descriptor; SQLite takes no POSIX locks on it (WAL locks live in
   * the -shm file), so closing ours releases none of SQLite's.
   */
  private syncWal(): void {
    if (this.flushing) return;
    this.wal ??= openSync(`${this.connection.db.name}-wal`, "r");
    this.syncedBytes = this.transactionBytes;
    this.flushing = flush(this.wal)
      // A failed early flush is COMMIT's to report: its own fsync meets the same error.
      .catch(() => undefined)
      .finally(() => {
        this.flushing = null;
      });
  }

  /** Closes the WAL descriptor of syncWal once its flush is done. */
  private async closeWal(): Promise<void> {
    await this.flushing;
    if (this.wal === null) return;
    closeSync(this.wal);
    this.wal = null;
  }

  /** Deletes a run inside the open transaction (see deleteRunRows); null when there is no such run. */
  deleteRun(uid: string, request: DeletionRequest): RunDeletion | null {
    this.throwFailure();
    return deleteRunRows(this.connection, uid, request);
  }

  /** Stores the access state inside the open transaction (see writeAccessRows); the new version. */
  writeAccess(expected: number, state: string, audit: Omit<AuditEntry, "id">[]): number {
    this.throwFailure();
    return writeAccessRows(this.connection, expected, state, audit);
  }

  noteKeyUse(prefix: string, at: number): void {
    this.throwFailure();
    noteKeyUseRow(this.connection, prefix, at);
  }

  /** Applies an annotation change inside the open transaction (see writeAnnotationRows). */
  writeAnnotation(change: AnnotationChange): void {
    this.throwFailure();
    writeAnnotationRows(this.connection, change);
  }

  /** Opens a savepoint in the open transaction: where one put of a group commit begins. */
  savepoint(name: string): void {
    this.throwFailure();
    this.connection.db.exec(`SAVEPOINT ${savepointName(name)}`);
  }

  /**
   * Undoes the writes since savepoint `name` (one refused put of a group), keeping the transaction and what
   * came before; the failed write it undoes no longer fails the transaction. Throws when SQLite has rolled
   * the whole transaction back (an I/O error, a full disk): the group is lost and must fail as a whole.
   */
  rollbackTo(name: string): void {
    if (!this.connection.db.inTransaction) throw new Error("the write transaction was rolled back by SQLite");
    this.connection.db.exec(`ROLLBACK TO ${savepointName(name)}`);
    this.failure = null;
  }

  async commit(): Promise<void> {
    this.throwFailure();
    try {
      this.connection.db.exec("COMMIT");
    } finally {
      await this.closeWal();
    }
    this.uncheckpointedBytes += this.transactionBytes;
    this.uncheckpointedCommits++;
  }

  /** Whether the commits since the last checkpoint have written enough for the next (see CHECKPOINT_BYTES). */
  get checkpointDue(): boolean {
    return this.uncheckpointedBytes >= CHECKPOINT_BYTES || this.uncheckpointedCommits >= CHECKPOINT_COMMITS;
  }

  /**
   * Copies the WAL's committed pages into the database file, run right after a COMMIT was answered when one
   * is due (checkpointDue). The writer connection has no automatic checkpoint (wal_autocheckpoint = 0), which
   * SQLite runs inside COMMIT and which took longer than the commit's own fsync for large puts; here it keeps
   * the WAL about as bounded as that did, but no put waits for it. PASSIVE: it never waits for readers or
   * other writers, and copies what they allow (the rest at a later checkpoint). Durability does not depend on
   * it: a commit is in the WAL, on disk (synchronous = FULL), before it is answered.
   */
  checkpoint(): void {
    this.uncheckpointedBytes = 0;
    this.uncheckpointedCommits = 0;
    try {
      this.connection.db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // A checkpoint that could not run leaves the WAL longer, nothing else: the next one copies it.
    }
  }

  /** What follows an answered commit: a checkpoint when one is due, fresh planner statistics once a minute. */
  maintain(): void {
    if (this.checkpointDue) this.checkpoint();
    if (Date.now() - this.optimizedAt >= OPTIMIZE_INTERVAL_MS) this.optimize();
  }

  /**
   * Refreshes the query planner's statistics where tables changed much (SQLite's own PRAGMA optimize, its
   * work bounded): without them a search of a user's few beamtimes AND a common plan name walks the plan
   * name's index, 60x slower than the beamtime's.
   */
  private optimize(): void {
    this.optimizedAt = Date.now();
    try {
      this.connection.db.pragma("optimize");
    } catch {
      // Statistics are an aid to the planner: without fresh ones searches are slower, never wrong.
    }
  }

  async rollback(): Promise<void> {
    this.failure = null;
    await this.closeWal();
    if (this.connection.db.inTransaction) this.connection.db.exec("ROLLBACK");
  }

  /** Closes the connection; as the file's last connection, SQLite checkpoints and removes the WAL. */
  close(): void {
    if (this.connection.db.open && !this.connection.db.inTransaction) this.optimize();
    this.connection.close();
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
