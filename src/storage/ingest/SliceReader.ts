// Reads a batch (an iterable or an async iterable of documents) into a BatchCollector one slice at a time,
// so a put can write a slice before the next is read. A DocumentStream (a file read by readDocuments) is read
// by its chunks: its blocks of events go to the collector as they are, and there is no await per document.
import { type DocumentItem, DocumentStream } from "../../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../../documents/formats/eventBlock.ts";
import type { DocumentPair } from "../../documents/types.ts";
import type { BatchCollector } from "./BatchCollector.ts";

type Step<T> = IteratorResult<T> | Promise<IteratorResult<T>>;

export class SliceReader {
  private readonly documents: Iterator<DocumentPair> | AsyncIterator<DocumentPair> | null;
  private readonly chunks: AsyncIterator<readonly DocumentItem[]> | null;
  /** The chunk being read, and the index of its next item. */
  private chunk: readonly DocumentItem[] = [];
  private next = 0;
  /** True once the batch has no more documents (or failed while being read). */
  ended = false;

  constructor(
    batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
    private readonly collector: BatchCollector,
  ) {
    if (batch instanceof DocumentStream) {
      this.chunks = batch.chunks()[Symbol.asyncIterator]();
      this.documents = null;
    } else {
      this.chunks = null;
      this.documents =
        Symbol.asyncIterator in batch ? batch[Symbol.asyncIterator]() : batch[Symbol.iterator]();
    }
  }

  /** Reads documents until the collector's slice is full or the batch ends. */
  async readSlice(): Promise<void> {
    try {
      if (this.chunks) await this.readChunks(this.chunks);
      else await this.readDocuments(this.documents!);
    } catch (error) {
      this.ended = true;
      throw error;
    }
  }

  private async readDocuments(
    documents: Iterator<DocumentPair> | AsyncIterator<DocumentPair>,
  ): Promise<void> {
    while (!this.ended) {
      let step: Step<DocumentPair> = documents.next();
      // Awaited only when the batch is asynchronous: a microtask per document would slow large arrays.
      if (step instanceof Promise) step = await step;
      if (step.done) {
        this.ended = true;
        return;
      }
      this.collector.add(step.value[0], step.value[1]);
      if (this.collector.sliceFull) return;
    }
  }

  private async readChunks(chunks: AsyncIterator<readonly DocumentItem[]>): Promise<void> {
    while (!this.ended) {
      if (this.next === this.chunk.length) {
        const step = await chunks.next();
        if (step.done) {
          this.ended = true;
          return;
        }
        this.chunk = step.value;
        this.next = 0;
        continue;
      }
      const item = this.chunk[this.next++];
      if (isEventBlock(item)) this.collector.addEventBlock(item);
      else this.collector.add(item[0], item[1]);
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
    await (this.chunks ?? this.documents)?.return?.();
  }
}
