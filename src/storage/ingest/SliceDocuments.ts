// The documents a slice of a put can refer to: those the store holds already (looked up once for the slice)
// and the new singletons of the batch, each with its run once known. A singleton identical to one stored or
// earlier in the batch is skipped (idempotence); a different one under the same uid is a conflict.
import { ConflictError } from "../../errors.ts";
import type { SingletonName } from "../records.ts";
import type { BatchSingleton, CollectedSlice } from "./BatchCollector.ts";
import type { BatchProgress } from "./BatchProgress.ts";
import { describeDifference, firstDifference } from "./firstDifference.ts";
import type { IngestTransaction, StoredDocument } from "./IngestBackend.ts";

type Doc = Record<string, unknown>;

/** A document the batch can refer to: stored already, or new in this batch. */
export interface Known {
  name: SingletonName;
  doc: Doc;
  run: string | null;
}

export class SliceDocuments {
  /** New singletons of the batch by uid (the first of identical repeats). */
  readonly fresh = new Map<string, BatchSingleton>();
  /** Runs of the new singletons, once known. */
  readonly freshRuns = new Map<string, string>();
  /** doc_index of the singletons skipped as identical to one stored or earlier in the batch. */
  readonly skipped = new Set<number>();
  private readonly singletons = new Map<number, BatchSingleton>();

  private constructor(
    private readonly slice: CollectedSlice,
    private readonly progress: BatchProgress,
    private readonly stored: Map<string, StoredDocument>,
  ) {
    for (const singleton of slice.singletons) this.singletons.set(singleton.docIndex, singleton);
  }

  /** Looks up every uid the slice names in the store, then sorts its singletons into new and skipped. */
  static async lookUp(
    slice: CollectedSlice,
    tx: IngestTransaction,
    progress: BatchProgress,
  ): Promise<SliceDocuments> {
    const uids = new Set<string>();
    const add = (uid: unknown) => typeof uid === "string" && uids.add(uid);
    for (const { uid, doc } of slice.singletons) {
      add(uid);
      add(doc.run_start);
      add(doc.descriptor);
      add(doc.stream_resource);
    }
    for (const page of slice.eventPages.values()) add(page.descriptor);
    for (const page of slice.datumPages.values()) add(page.resource);
    const documents = new SliceDocuments(slice, progress, await tx.documents([...uids]));
    documents.skipIdenticalSingletons();
    return documents;
  }

  /** The singleton of the slice at `docIndex`. */
  singletonAt(docIndex: number): BatchSingleton {
    return this.singletons.get(docIndex)!;
  }

  known(uid: unknown): Known | undefined {
    if (typeof uid !== "string") return undefined;
    const fresh = this.fresh.get(uid);
    if (fresh) return { name: fresh.name, doc: fresh.doc, run: this.freshRuns.get(uid) ?? null };
    const stored = this.stored.get(uid);
    return stored && { name: stored.name, doc: stored.doc, run: stored.run };
  }

  /** The run of a singleton, when it is the one stored for its uid (not a skipped repeat). */
  setRun(singleton: BatchSingleton, run: string): void {
    if (this.fresh.get(singleton.uid) === singleton) this.freshRuns.set(singleton.uid, run);
  }

  /**
   * Whether `uid` is a document of this batch (this slice or an earlier one): its events or datums cannot have
   * been stored before the batch, so they need no comparison (nor a read of the slices written before).
   */
  newInBatch(uid: string): boolean {
    return this.fresh.has(uid) || this.progress.written.has(uid);
  }

  /** The document of a descriptor the slice names (stored or new). */
  descriptorDoc(uid: string): Doc {
    return (this.fresh.get(uid)?.doc ?? this.stored.get(uid)?.doc)!;
  }

  private skipIdenticalSingletons(): void {
    for (const singleton of this.slice.singletons) {
      const earlier = this.stored.get(singleton.uid) ?? this.fresh.get(singleton.uid);
      if (!earlier) {
        this.fresh.set(singleton.uid, singleton);
        continue;
      }
      const earlierIndex =
        "docIndex" in earlier ? earlier.docIndex : this.progress.written.get(singleton.uid);
      const where = earlierIndex !== undefined ? `document ${earlierIndex} of this batch` : "the store";
      if (earlier.name !== singleton.name) {
        throw new ConflictError(
          `${singleton.name} ${singleton.uid} (document ${singleton.docIndex}) conflicts with the ${earlier.name} ` +
            `${singleton.uid} in ${where}: documents of different kinds cannot share a uid`,
        );
      }
      const difference = firstDifference(earlier.doc, singleton.doc);
      if (difference) {
        throw new ConflictError(
          `${singleton.name} ${singleton.uid} (document ${singleton.docIndex}) conflicts with the ${earlier.name} ` +
            `${singleton.uid} in ${where}: ${describeDifference(difference)}`,
        );
      }
      this.skipped.add(singleton.docIndex);
    }
  }
}
