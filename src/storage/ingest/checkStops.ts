// A run has at most one stop: a second, different stop, in the slice or against the one stored, is a
// conflict. Stops skipped as identical repeats are not counted.
import { ConflictError } from "../../errors.ts";
import type { CollectedSlice } from "./BatchCollector.ts";
import type { IngestTransaction } from "./IngestBackend.ts";
import type { SliceDocuments } from "./SliceDocuments.ts";

/** `runs`: the run of each entry of the slice, by position (see assignRuns). */
export async function checkStops(
  slice: CollectedSlice,
  documents: SliceDocuments,
  runs: ReadonlyArray<string | null>,
  tx: IngestTransaction,
): Promise<void> {
  const newStops = new Map<string, string>();
  slice.entries.forEach((entry, i) => {
    if (entry.kind !== "document") return;
    const singleton = documents.singletonAt(entry.docIndex);
    if (singleton.name !== "stop" || documents.skipped.has(entry.docIndex)) return;
    const run = runs[i]!;
    const other = newStops.get(run);
    if (other !== undefined) {
      throw new ConflictError(
        `stop ${singleton.uid} conflicts with stop ${other} of this batch: run ${run} has one stop`,
      );
    }
    newStops.set(run, singleton.uid);
  });
  if (newStops.size === 0) return;
  const storedStops = await tx.stops([...newStops.keys()]);
  for (const [run, uid] of newStops) {
    const stored = storedStops.get(run);
    if (stored !== undefined && stored !== uid) {
      throw new ConflictError(
        `stop ${uid} conflicts with the stored stop ${stored}: run ${run} has one stop`,
      );
    }
  }
}
