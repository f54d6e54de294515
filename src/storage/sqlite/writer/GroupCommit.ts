// Group commit of a SQLite store's puts: puts that wait for the write lock while one runs join its
// transaction and share its COMMIT, whose fsync of the WAL is most of a small put's cost (a one-event put
// rewrites ~16 pages of the b-trees it touches; several puts rewrite mostly the same ones). Each put stays
// all-or-nothing on its own (SqliteWriter.group: a savepoint per put after the first) and is answered only
// once the COMMIT is on disk, so an acknowledged put survives a crash exactly as before.
import type { IngestTransaction } from "../../ingest/IngestBackend.ts";

export interface GroupMember {
  work: (tx: IngestTransaction) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs members in one transaction, taking each next one from `next` until it gives null. */
export type RunGroup = (next: () => GroupMember | null) => Promise<void>;

/**
 * More puts in one transaction would hold their answers longer and the lock from other writers (access,
 * annotations, deletions): past this many the group commits and the next one starts.
 */
const MAX_MEMBERS = 64;

export class GroupCommit {
  private readonly waiting: GroupMember[] = [];
  private draining = false;

  constructor(private readonly runGroup: RunGroup) {}

  /** Runs `work` in a write transaction shared with the puts waiting beside it; its result once committed. */
  transaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        let taken = 0;
        try {
          await this.runGroup(() => (taken++ < MAX_MEMBERS ? (this.waiting.shift() ?? null) : null));
        } catch (error) {
          // The group could not start (say, a read-only store): those waiting hear why.
          for (const member of this.waiting.splice(0)) member.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
