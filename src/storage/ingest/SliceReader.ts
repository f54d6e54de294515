// Reads a batch (an iterable or an async iterable of documents) into a BatchCollector one slice at a time,
// so a put can write a slice before the next is read.
import type { DocumentPair } from "../../documents/types.ts";
import type { BatchCollector } from "./BatchCollector.ts";

type Step = IteratorResult<DocumentPair> | Promise<IteratorResult<DocumentPair>>;

export class SliceReader {
  private readonly iterator: Iterator<DocumentPair> | AsyncIterator<DocumentPair>;
  /** True once the batch has no more documents (or failed while being read). */
  ended = false;

  constructor(
    batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
    private readonly collector: BatchCollector,
  ) {
    this.iterator = Symbol.asyncIterator in batch ? batch[Symbol.asyncIterator]() : batch[Symbol.iterator]();
  }

  /** Reads documents until the collector's slice is full or the batch ends. */
  async readSlice(): Promise<void> {
    while (!this.ended) {
      let step: Step;
      try {
        step = this.iterator.next();
        // Awaited only when the batch is asynchronous: a microtask per document would slow large arrays.
        if (step instanceof Promise) step = await step;
      } catch (error) {
        this.ended = true;
        throw error;
      }
      if (step.done) {
        this.ended = true;
        return;
      }
      this.collector.add(step.value[0], step.value[1]);
      if (this.collector.sliceFull) return;
    }
  }

  /** Reads the rest of the batch (checking, not building: see BatchCollector.stopBuilding). */
  async readToEnd(): Promise<void> {
    while (!this.ended) await this.readSlice();
  }

  /** Lets go of a batch not read to its end (a generator's `finally` runs, a request body is released). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.iterator.return?.();
  }
}
