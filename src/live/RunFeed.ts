// One run's documents as they are stored, read once per process however many follow it: the feed reads the
// batches stored after the last one it read (Store.documentBatches) whenever the store says the run changed,
// numbers them (seq, 1 for the start) and keeps the latest RECENT in memory. A follower takes from there
// while it keeps up; one that falls behind (a slow reader, a resume from an early seq) reads its gap from the
// store at its own pace. So memory stays bounded by RECENT, whatever the followers do, and nobody is dropped.
import type { DocumentName } from "../documents/types.ts";
import type { Store } from "../storage/Store.ts";
import type { FollowedDocument } from "./types.ts";
import { Wakeup } from "./Wakeup.ts";

/** Documents kept in memory per followed run. */
export const RECENT = 4096;

/** The first seq of each batch read: where a follower behind the recent documents starts reading. */
interface BatchStart {
  batch: number;
  first: number;
}

export class RunFeed {
  /** Documents read so far: the last seq. */
  private count = 0;
  private lastBatch = -1;
  private stopped = false;
  private failure: unknown;
  /** The latest documents, oldest first; trimmed to RECENT once twice as many are held. */
  private recent: FollowedDocument[] = [];
  private readonly batchStarts: BatchStart[] = [];
  private reading?: Promise<void>;
  private readAgain = false;
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly store: Store,
    readonly uid: string,
  ) {}

  /** Reads what was stored since the last read; calls while reading make it read once more after. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.readNew();
      } while (this.readAgain && this.failure === undefined);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    try {
      for await (const { batch, document } of this.store.documentBatches(this.uid, this.lastBatch)) {
        if (batch !== this.lastBatch) {
          // A batch is read whole before the next, so lastBatch only moves past batches read to the end.
          this.batchStarts.push({ batch, first: this.count + 1 });
          this.lastBatch = batch;
        }
        const [name, doc] = document as [DocumentName, Record<string, unknown>];
        this.count++;
        this.recent.push({ seq: this.count, name, doc });
        if (name === "stop") this.stopped = true;
        if (this.recent.length >= 2 * RECENT) {
          this.recent = this.recent.slice(-RECENT);
          // Followers behind what was dropped go to the store; let them know early.
          this.wakeup.notify();
        }
      }
    } catch (error) {
      this.failure = error;
    }
    this.wakeup.notify();
  }

  /** The documents after seq `after`, stored ones first, then each as it is stored; ends after the stop. */
  async *follow(after: number, signal?: AbortSignal): AsyncGenerator<FollowedDocument> {
    let next = after + 1;
    while (!signal?.aborted) {
      if (this.failure !== undefined) throw this.failure;
      const firstRecent = this.count - this.recent.length + 1;
      if (next > this.count) {
        if (this.stopped) return;
        if (!(await this.wakeup.wait(signal))) return;
        continue;
      }
      const documents =
        next >= firstRecent ? this.recent.slice(next - firstRecent) : this.fromStore(next, firstRecent - 1);
      for await (const document of documents) {
        if (signal?.aborted) return;
        yield document;
        next = document.seq + 1;
      }
    }
  }

  /** Documents `from`..`to` read again from the store, from the batch that holds `from`. */
  private async *fromStore(from: number, to: number): AsyncGenerator<FollowedDocument> {
    const at = this.batchIndexOf(from);
    const afterBatch = at === 0 ? -1 : this.batchStarts[at - 1].batch;
    let seq = this.batchStarts[at].first - 1;
    for await (const { document } of this.store.documentBatches(this.uid, afterBatch)) {
      seq++;
      if (seq < from) continue;
      const [name, doc] = document as [DocumentName, Record<string, unknown>];
      yield { seq, name, doc };
      if (seq >= to) return;
    }
  }

  /** The index of the batch whose documents include seq `seq` (binary search over first seqs). */
  private batchIndexOf(seq: number): number {
    let low = 0;
    let high = this.batchStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.batchStarts[middle].first <= seq) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
