// A store's writer connection as the main thread sees it: it lives in the process's writer thread
// (WriterChannel), where each transaction begins, runs its lookups and writes, and commits or rolls back.
import type { AuditEntry } from "../../../access/AccessRecords.ts";
import type { AnnotationChange } from "../../../annotations/AnnotationRecords.ts";
import type { DeletionRequest, RunDeletion } from "../../deletions.ts";
import type { IngestBackend, IngestTransaction } from "../../ingest/IngestBackend.ts";
import { ThreadIngest } from "./ThreadIngest.ts";
import { WriterChannel } from "./WriterChannel.ts";

/** Handles name the stores' writers in the thread: unique within the process. */
let lastHandle = 0;

export class SqliteWriter implements IngestBackend {
  private readonly handle = ++lastHandle;
  /** The thread holding this store's connection, once a transaction opened it there. */
  private channel: WriterChannel | null = null;

  /** Starts the writer thread now (in the background) if the process has none yet. */
  constructor(private readonly path: string) {
    WriterChannel.shared();
  }

  /** Runs `work` in one write transaction (BEGIN IMMEDIATE ... COMMIT), rolled back if anything fails. */
  async transaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    // The whole transaction stays on the thread it began on: should that one die, it fails as a whole.
    const channel = WriterChannel.shared();
    this.channel = channel;
    await channel.request(this.handle, { op: "begin", path: this.path });
    try {
      const result = await work(new ThreadIngest(channel, this.handle));
      await channel.request(this.handle, { op: "commit" });
      return result;
    } catch (error) {
      // A dead thread has nothing to roll back (SQLite did); the put's own error is what the caller needs.
      if (channel.alive) await channel.request(this.handle, { op: "rollback" }).catch(() => undefined);
      throw error;
    }
  }

  /** Deletes a run and records it in one write transaction (deleteRunRows.ts); null for no such run. */
  deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion | null> {
    return this.transaction(() =>
      this.channel!.request<RunDeletion | null>(this.handle, { op: "deleteRun", uid, request }),
    );
  }

  /** Stores the access state (JSON text) in one write transaction (writeAccessRows.ts); the new version. */
  writeAccess(expected: number, state: string, audit: Omit<AuditEntry, "id">[]): Promise<number> {
    return this.transaction(() =>
      this.channel!.request<number>(this.handle, { op: "writeAccess", expected, state, audit }),
    );
  }

  /** Records a key's use in one write transaction. */
  noteKeyUse(prefix: string, at: number): Promise<void> {
    return this.transaction(() => this.channel!.request<void>(this.handle, { op: "noteKeyUse", prefix, at }));
  }

  /** Applies an annotation change in one write transaction (writeAnnotationRows.ts). */
  writeAnnotation(change: AnnotationChange): Promise<void> {
    return this.transaction(() =>
      this.channel!.request<void>(this.handle, { op: "writeAnnotation", change }),
    );
  }

  /** Closes the connection in the thread (which checkpoints when it is the file's last one). */
  async close(): Promise<void> {
    if (this.channel?.alive) await this.channel.request(this.handle, { op: "close" });
    this.channel = null;
  }
}
