// Seeds an empty catalog with the example runs (a peak scan, and two counts of 2-D images in HDF5 files
// written under `dataDir`), so a first `npm start` has something to browse. A catalog holding runs is left
// alone; the examples' uids and times are fixed, so seeding twice stores nothing new.
import type { DocumentPair } from "../documents/types.ts";
import type { Store } from "../storage/Store.ts";
import { areaDetectorCountRun } from "./areaDetectorCount.ts";
import { peakScanRun } from "./peakScan.ts";
import { streamResourceCountRun } from "./streamResourceCount.ts";

export interface SeedReport {
  /** False when the catalog already held runs and was left alone. */
  seeded: boolean;
  /** Start uids of the example runs stored (empty when not seeded). */
  runs: string[];
}

/** The example runs' documents, one array per run; writes their HDF5 files under `dataDir` (absolute). */
export async function exampleRuns(dataDir: string): Promise<DocumentPair[][]> {
  return [peakScanRun(), await areaDetectorCountRun(dataDir), await streamResourceCountRun(dataDir)];
}

export async function seedExampleRuns(store: Store, dataDir: string): Promise<SeedReport> {
  if ((await store.count()) > 0) return { seeded: false, runs: [] };
  const runs = await exampleRuns(dataDir);
  // One atomic put: a crash halfway leaves an empty catalog, which the next start seeds again.
  const report = await store.put(runs.flat());
  return { seeded: true, runs: report.runs };
}
