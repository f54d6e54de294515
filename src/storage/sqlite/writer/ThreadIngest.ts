// A put's transaction as the main thread sees it: every lookup and write goes to the store's writer in the
// writer thread. A write is posted and not waited for, so the next slice is checked and encoded while the
// thread inserts this one; should it fail, the thread answers the transaction's next request (or its COMMIT)
// with that failure, and the put rolls back.
import type { FieldStats } from "../../../queries/fieldStats.ts";
import type { IngestTransaction, StoredDocument } from "../../ingest/IngestBackend.ts";
import type { DatumPageRecord, EventPageRecord, PreparedBatch } from "../../records.ts";
import { postableBatch } from "./batchTransfer.ts";
import { returnChunks } from "./SharedChunks.ts";
import type { WriterChannel } from "./WriterChannel.ts";
import type { WriterCommand } from "./writerProtocol.ts";

export class ThreadIngest implements IngestTransaction {
  constructor(
    private readonly channel: WriterChannel,
    private readonly handle: number,
  ) {}

  private ask<T>(command: WriterCommand): Promise<T> {
    return this.channel.request<T>(this.handle, command);
  }

  documents(uids: string[]): Promise<Map<string, StoredDocument>> {
    return this.ask({ op: "documents", uids });
  }

  stops(runUids: string[]): Promise<Map<string, string>> {
    return this.ask({ op: "stops", runUids });
  }

  eventPages(descriptor: string, first: number, last: number): Promise<EventPageRecord[]> {
    return this.ask({ op: "eventPages", descriptor, first, last });
  }

  datumPages(resource: string): Promise<DatumPageRecord[]> {
    return this.ask({ op: "datumPages", resource });
  }

  fieldStats(descriptors: string[]): Promise<Map<string, Record<string, FieldStats>>> {
    return this.ask({ op: "fieldStats", descriptors });
  }

  /** Posts the batch (its pages are in shared memory already); resolves before it is written. */
  async write(prepared: PreparedBatch, release?: () => void): Promise<void> {
    const { batch, chunks } = postableBatch(prepared);
    // The thread keeps a failed write's error for the transaction's next request, which reports it; the
    // batch's buffers serve later batches once it has answered, whatever the answer.
    const done = () => {
      returnChunks(chunks);
      release?.();
    };
    this.channel.request(this.handle, { op: "write", batch }).then(done, done);
  }
}
