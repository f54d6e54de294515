// A run's documents copied from the server into an in-memory store and read with the local broker. Only
// RemoteRun.summary() uses it: stored events per stream are said by no bounded route (a table's rows also
// count StreamDatum rows without events). Stream reads never do: RemoteStream asks the table routes.
import { AssetReader } from "../assets/AssetReader.ts";
import { Run } from "../broker/index.ts";
import type { DocumentPair, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { MemoryStore } from "../storage/memory/MemoryStore.ts";
import type { HttpSession } from "./HttpSession.ts";
import { runDocuments } from "./runDocuments.ts";

/** The run as stored now on the server, unfilled: one export request, re-read every call (runs grow). */
export async function runReplica(session: HttpSession, uid: string): Promise<Run> {
  const store = new MemoryStore();
  const documents: DocumentPair[] = [];
  for await (const pair of runDocuments(session, uid, false)) documents.push(pair);
  await store.put(documents);
  const start = documents.find(([name]) => name === "start")?.[1] as RunStart;
  return Run.load(store, new AssetReader(), start);
}

/**
 * A Run made of metadata alone (no events, no files): what the descriptors decide — stream names, data
 * keys, device configuration — answered by the local broker's own code rather than a copy of it.
 */
export function describedRun(start: RunStart, stop: RunStop | null, descriptors: EventDescriptor[]): Run {
  return new Run(new MemoryStore(), new AssetReader(), { start, stop, descriptors });
}
