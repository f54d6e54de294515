// The slices a memory put has written but not yet committed: held here until the whole batch succeeds, so a
// rollback is dropping them and readers never see half a batch, while the put's own lookups (idempotence,
// conflicts, references, statistics) see them as stored.
import type { FieldStats } from "../../queries/fieldStats.ts";
import type { DatumPageRecord, DocumentRecord, EventPageRecord, PreparedBatch } from "../records.ts";

export class StagedWrites {
  /** In the order written: committed in this order. */
  readonly batches: PreparedBatch[] = [];
  private readonly documentsByUid = new Map<string, DocumentRecord>();
  private readonly stopsByRun = new Map<string, string>();
  private readonly eventPagesByDescriptor = new Map<string, EventPageRecord[]>();
  private readonly datumPagesByResource = new Map<string, DatumPageRecord[]>();
  private readonly statsByDescriptor = new Map<string, Record<string, FieldStats>>();

  add(prepared: PreparedBatch): void {
    this.batches.push(prepared);
    for (const record of prepared.documents) {
      this.documentsByUid.set(record.uid, record);
      if (record.name === "stop") this.stopsByRun.set(record.run, record.uid);
    }
    for (const page of prepared.eventPages) listed(this.eventPagesByDescriptor, page.descriptor).push(page);
    for (const page of prepared.datumPages) listed(this.datumPagesByResource, page.resource).push(page);
    for (const { descriptor, stats } of prepared.fieldStats) this.statsByDescriptor.set(descriptor, stats);
  }

  document(uid: string): DocumentRecord | undefined {
    return this.documentsByUid.get(uid);
  }

  stopOf(run: string): string | undefined {
    return this.stopsByRun.get(run);
  }

  eventPages(descriptor: string): EventPageRecord[] {
    return this.eventPagesByDescriptor.get(descriptor) ?? [];
  }

  datumPages(resource: string): DatumPageRecord[] {
    return this.datumPagesByResource.get(resource) ?? [];
  }

  /** The descriptor's statistics after the staged slices (they replace what is stored). */
  fieldStats(descriptor: string): Record<string, FieldStats> | undefined {
    return this.statsByDescriptor.get(descriptor);
  }
}

function listed<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
