// Which run each document of an accepted batch belongs to, as the store decided it: a start is its run,
// stops and descriptors name theirs, the rest reach it through a descriptor or resource of a touched run.
import type { DocumentPair } from "../../documents/types.ts";
import type { Store } from "../Store.ts";

export interface RunDocuments {
  run: string;
  documents: DocumentPair[];
}

export class RunOwnership {
  private constructor(private readonly owners: Map<string, string>) {}

  /** The descriptors and (stream) resources of `runs`, as the store holds them. */
  static async of(store: Store, runs: string[]): Promise<RunOwnership> {
    const owners = new Map<string, string>();
    for (const run of runs) {
      for (const descriptor of await store.descriptors(run)) owners.set(descriptor.uid, run);
      for (const resource of await store.resources(run)) owners.set(resource.uid, run);
      for (const resource of await store.streamResources(run)) owners.set(resource.uid, run);
    }
    return new RunOwnership(owners);
  }

  runOf(pair: DocumentPair): string {
    let run: string | undefined;
    switch (pair[0]) {
      case "start":
        run = pair[1].uid;
        break;
      case "stop":
      case "descriptor":
        run = pair[1].run_start;
        break;
      case "resource":
      case "stream_resource":
        run = this.owners.get(pair[1].uid);
        break;
      case "event":
      case "event_page":
      case "stream_datum":
        run = this.owners.get(pair[1].descriptor);
        break;
      case "datum":
      case "datum_page":
        run = this.owners.get(pair[1].resource);
        break;
    }
    // The store accepted the batch, so every document reaches a run of it: anything else is a bug here.
    if (run === undefined) throw new Error(`files adapter: no run found for a stored ${pair[0]}`);
    return run;
  }

  /** The documents grouped by run, runs in first-seen order, documents in batch order. */
  group(documents: Iterable<DocumentPair>): RunDocuments[] {
    const groups = new Map<string, DocumentPair[]>();
    for (const pair of documents) {
      const run = this.runOf(pair);
      let list = groups.get(run);
      if (!list) groups.set(run, (list = []));
      list.push(pair);
    }
    return [...groups].map(([run, list]) => ({ run, documents: list }));
  }
}
