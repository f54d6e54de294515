// A store's writer connection as the main thread sees it: it lives in the process's writer thread
// (WriterChannel), where each transaction begins, runs its lookups and writes, and commits or rolls back.
import type { AuditEntry } from "../../../access/AccessRecords.ts";
import type { AnnotationChange } from "../../../annotations/AnnotationRecords.ts";
import type { DeletionRequest, RunDeletion } from "../../deletions.ts";
import type { IngestBackend, IngestTransaction } from "../../ingest/IngestBackend.ts";
import type { GroupMember } from "./GroupCommit.ts";
import { ThreadIngest } from "./ThreadIngest.ts";
import { WriterChannel } from "./WriterChannel.ts";
import type { WriterCommand } from "./writerProtocol.ts";

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

  /**
   * Runs the members `next` gives, one after another, in one write transaction with one COMMIT (GroupCommit):
   * each is all or nothing on its own (the first alone in the transaction, each later one after a savepoint
   * it is rolled back to should it fail). A member that fails is rejected at once with its own error; the
   * others are resolved once the COMMIT is done, or rejected with the error that lost the transaction (a
   * pipelined write that failed after its put returned is found by the next request and fails the group).
   */
  async group(next: () => GroupMember | null): Promise<void> {
    const channel = WriterChannel.shared();
    this.channel = channel;
    const ask = (command: WriterCommand) => channel.request(this.handle, command);
    const done: Array<{ member: GroupMember; value: unknown }> = [];
    let current: GroupMember | null = null;
    let open = false;
    let savepoints = 0;
    try {
      for (current = next(); current; current = next()) {
        if (!open) await ask({ op: "begin", path: this.path });
        open = true;
        const savepoint = done.length > 0 ? `put_${++savepoints}` : null;
        if (savepoint) await ask({ op: "savepoint", name: savepoint });
        try {
          done.push({ member: current, value: await current.work(new ThreadIngest(channel, this.handle)) });
        } catch (error) {
          current.reject(error);
          current = null;
          // A dead thread rolled everything back; rollbackTo then fails and so does the group.
          if (savepoint) await ask({ op: "rollbackTo", name: savepoint });
          else {
            await ask({ op: "rollback" });
            open = false;
          }
        }
      }
      if (open) await ask({ op: "commit" });
    } catch (error) {
      if (channel.alive) await ask({ op: "rollback" }).catch(() => undefined);
      current?.reject(error);
      for (const { member } of done) member.reject(error);
      return;
    }
    for (const { member, value } of done) member.resolve(value);
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
