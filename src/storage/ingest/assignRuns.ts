// The run of every entry of a slice. Starts are runs; stops, descriptors and resources name theirs by
// run_start; events and stream_datums reach theirs through their descriptor, datums through their resource;
// an old resource without run_start joins the run around it. A reference that reaches nothing in the store
// or the batch is a `reference` finding.
import type { Finding } from "../../errors.ts";
import type { BatchEntry, BatchSingleton, CollectedSlice } from "./BatchCollector.ts";
import { MAX_FINDINGS } from "./BatchCollector.ts";
import type { BatchProgress } from "./BatchProgress.ts";
import type { SliceDocuments } from "./SliceDocuments.ts";

/** The runs of a slice's entries, by position in its `entries` (null: none), and the references that failed. */
export interface SliceRuns {
  runs: Array<string | null>;
  findings: Finding[];
}

export function assignRuns(
  slice: CollectedSlice,
  documents: SliceDocuments,
  progress: BatchProgress,
): SliceRuns {
  return new RunAssigner(slice, documents).assign(progress);
}

class RunAssigner {
  private readonly findings: Finding[] = [];
  private readonly runs: Array<string | null>;

  constructor(
    private readonly slice: CollectedSlice,
    private readonly documents: SliceDocuments,
  ) {
    this.runs = new Array(slice.entries.length).fill(null);
  }

  assign(progress: BatchProgress): SliceRuns {
    const entries = this.slice.entries;
    // Runs of starts, stops, descriptors and resources first: events and datums reach runs through them.
    entries.forEach((entry, i) => {
      if (entry.kind !== "document") return;
      const singleton = this.documents.singletonAt(entry.docIndex);
      let run: string | null = null;
      if (singleton.name === "start") run = singleton.uid;
      else if (singleton.name === "stop" || singleton.name === "descriptor")
        run = this.runStartOf(entry, singleton);
      else if (singleton.name !== "stream_datum" && singleton.doc.run_start !== undefined) {
        run = this.runStartOf(entry, singleton);
      }
      this.runs[i] = run;
      if (run !== null) this.documents.setRun(singleton, run);
    });
    // Then what reaches its run through a descriptor; resources without run_start join the run around them.
    let previous: string | null = progress.lastRun;
    entries.forEach((entry, i) => {
      const run = this.runs[i] ?? this.runThroughDescriptor(entry);
      this.runs[i] = run;
      if (run !== null) previous = run;
      else if (this.isRunlessResource(entry) && previous !== null) this.setResourceRun(i, previous);
    });
    progress.lastRun = previous;
    let next: string | null = null;
    for (let i = entries.length - 1; i >= 0; i--) {
      const run = this.runs[i];
      if (run !== null && entries[i].kind !== "datums") next = run;
      else if (run === null && this.isRunlessResource(entries[i]) && next !== null)
        this.setResourceRun(i, next);
    }
    entries.forEach((entry, i) => {
      if (entry.kind === "datums") this.runs[i] = this.runThroughResource(entry);
      else if (this.runs[i] === null && this.isRunlessResource(entry)) {
        const singleton = this.documents.singletonAt(entry.docIndex);
        this.unresolved(
          entry,
          singleton.name,
          "run_start",
          "run (it has no run_start and the batch names none)",
          null,
        );
      }
    });
    return { runs: this.runs, findings: this.findings };
  }

  private unresolved(entry: BatchEntry, name: string, path: string, target: string, uid: unknown): void {
    if (this.findings.length >= MAX_FINDINGS) return;
    this.findings.push({
      doc_index: entry.docIndex,
      name,
      path,
      rule: "reference",
      message: `${name}: ${path} ${JSON.stringify(uid)} names no ${target} in the store or in this batch`,
    });
  }

  /** The run of a document that names a run_start. */
  private runStartOf(entry: BatchEntry, singleton: BatchSingleton): string | null {
    const runStart = singleton.doc.run_start;
    if (this.documents.known(runStart)?.name === "start") return runStart as string;
    this.unresolved(entry, singleton.name, "run_start", "run", runStart);
    return null;
  }

  private isRunlessResource(entry: BatchEntry): boolean {
    if (entry.kind !== "document") return false;
    const singleton = this.documents.singletonAt(entry.docIndex);
    return (
      (singleton.name === "resource" || singleton.name === "stream_resource") &&
      singleton.doc.run_start === undefined
    );
  }

  private setResourceRun(i: number, run: string): void {
    this.runs[i] = run;
    this.documents.setRun(this.documents.singletonAt(this.slice.entries[i].docIndex), run);
  }

  private runThroughDescriptor(entry: BatchEntry): string | null {
    if (entry.kind === "events") {
      const descriptor = this.slice.eventPages.get(entry.pageNo)!.descriptor;
      const known = this.documents.known(descriptor);
      if (known?.name === "descriptor") return known.run;
      this.unresolved(entry, "event", "descriptor", "descriptor", descriptor);
      return null;
    }
    if (entry.kind !== "document") return null;
    const singleton = this.documents.singletonAt(entry.docIndex);
    if (singleton.name !== "stream_datum") return null;
    const streamResource = this.documents.known(singleton.doc.stream_resource);
    if (streamResource?.name !== "stream_resource") {
      this.unresolved(
        entry,
        "stream_datum",
        "stream_resource",
        "stream_resource",
        singleton.doc.stream_resource,
      );
    }
    const descriptor = this.documents.known(singleton.doc.descriptor);
    if (descriptor?.name === "descriptor") {
      if (descriptor.run) this.documents.setRun(singleton, descriptor.run);
      return descriptor.run;
    }
    this.unresolved(entry, "stream_datum", "descriptor", "descriptor", singleton.doc.descriptor);
    return null;
  }

  private runThroughResource(entry: BatchEntry & { kind: "events" | "datums" }): string | null {
    const resource = this.slice.datumPages.get(entry.pageNo)!.resource;
    const known = this.documents.known(resource);
    if (known?.name === "resource" && known.run !== null) return known.run;
    if (known?.name !== "resource") this.unresolved(entry, "datum", "resource", "resource", resource);
    return null;
  }
}
