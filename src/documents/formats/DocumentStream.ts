// The documents of a file or directory as readDocuments gives them: iterated, `[name, doc]` pairs in order;
// read by chunks (`chunks()`), the same documents as the readers produce them, where consecutive plain events
// may come as one EventBlock (columns, as the JSON Lines parse workers send them). The ingest reads the chunks,
// so that a block is checked and stored column by column and no object is built per event; any other
// reader sees documents. Each iteration reads the source afresh.
import type { DocumentPair } from "../types.ts";
import { type EventBlock, isEventBlock } from "./eventBlock.ts";
import { expandEventBlock } from "./expandEventBlock.ts";

/** A document, or a block of consecutive events standing for its `count` event documents. */
export type DocumentItem = DocumentPair | EventBlock;

export class DocumentStream implements AsyncIterable<DocumentPair> {
  constructor(private readonly open: () => AsyncIterable<readonly DocumentItem[]>) {}

  /** The documents in the chunks they were read in, blocks of events left as they are. */
  chunks(): AsyncIterable<readonly DocumentItem[]> {
    return this.open();
  }

  /** The same stream, `see` called on each item as it passes (chunks are not held up). */
  tap(see: (item: DocumentItem) => void): DocumentStream {
    const source = this;
    return new DocumentStream(async function* () {
      for await (const chunk of source.chunks()) {
        for (const item of chunk) see(item);
        yield chunk;
      }
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DocumentPair> {
    for await (const chunk of this.open()) {
      const documents: DocumentPair[] = [];
      for (const item of chunk) {
        if (isEventBlock(item)) expandEventBlock(item, documents);
        else documents.push(item);
      }
      // A loop, not yield*: delegating to an array costs an extra await per document.
      for (let i = 0; i < documents.length; i++) yield documents[i];
    }
  }
}

/** Documents read one at a time, each as a chunk of its own. */
export async function* oneByOne(pairs: AsyncIterable<DocumentPair>): AsyncGenerator<readonly DocumentItem[]> {
  for await (const pair of pairs) yield [pair];
}

/** How many documents an item stands for. */
export function documentCountOf(item: DocumentItem): number {
  return isEventBlock(item) ? item.count : 1;
}

/** How many events an item holds (an event_page: its rows). */
export function eventCountOf(item: DocumentItem): number {
  if (isEventBlock(item)) return item.count;
  const [name, doc] = item;
  if (name === "event") return 1;
  if (name === "event_page") return Array.isArray(doc.uid) ? doc.uid.length : 0;
  return 0;
}
