// A Run made of metadata alone (no events, no files) for the remote client: what the descriptors decide —
// stream names, data keys, device configuration, the summary — answered by the local broker's own code.
import { AssetReader } from "../assets/AssetReader.ts";
import { Run } from "../broker/index.ts";
import type { EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { MemoryStore } from "../storage/memory/MemoryStore.ts";

/** `streams`: events per stream as the server counts them (for the summary). */
export function describedRun(
  start: RunStart,
  stop: RunStop | null,
  descriptors: EventDescriptor[],
  streams?: Record<string, number>,
): Run {
  return new Run(new MemoryStore(), new AssetReader(), { start, stop, descriptors, streams });
}
