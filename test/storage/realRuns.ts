// The runs of every file in ../shared/data, split into runs, loaded once per test process. The hand-made
// tiled-plugin fixtures share uids between files (each was meant for a catalog of its own): `isolated`
// marks the runs that need a store to themselves.
import { readdirSync } from "node:fs";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";

export interface RealRun {
  source: string;
  uid: string;
  documents: DocumentPair[];
  isolated: boolean;
}

function sources(): string[] {
  const inFolder = (folder: string, suffix: string) =>
    readdirSync(dataPath(folder))
      .filter((file) => file.endsWith(suffix))
      .sort()
      .map((file) => `${folder}/${file}`);
  return [
    "apstools/tests/usaxs.json",
    "apstools/tests/apstools.json",
    ...inFolder("apstools/callbacks-tests", ".json"),
    "apstools/440_specwriter_problem_run",
    ...inFolder("bluesky-tutorials/example_data", ".jsonl"),
    "databroker-pack/simple_catalog",
    "databroker-pack/another_simple_catalog",
    ...inFolder("bluesky-tiled-plugins-examples", ".json"),
  ];
}

let loaded: Promise<RealRun[]> | undefined;

async function load(): Promise<RealRun[]> {
  const runs: RealRun[] = [];
  for (const source of sources()) {
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(dataPath(source))) pairs.push(pair);
    const isolated = source.startsWith("bluesky-tiled-plugins-examples/");
    for (const run of splitRuns(pairs).runs)
      runs.push({ source, uid: run.uid, documents: run.documents, isolated });
  }
  return runs;
}

export function realRuns(): Promise<RealRun[]> {
  loaded ??= load();
  return loaded;
}
