// Tells, per run, what an ingest request held: each document is assigned to its run as it streams past
// (RunSplitter, falling back to the run_start a document names), so the answer can list per-run document
// and event counts and attach each warning of the put to its run without keeping the documents.
import {
  type DocumentItem,
  type DocumentStream,
  documentCountOf,
  eventCountOf,
} from "../../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../../documents/formats/eventBlock.ts";
import { RunSplitter } from "../../documents/run/index.ts";
import type { Assignment } from "../../documents/run/splitRuns.ts";
import type { Finding } from "../../errors.ts";

export interface RunResult {
  /** The run's start uid. */
  uid: string;
  /** Documents of the request that belong to this run. */
  documents: number;
  /** Events among them (an event_page counts its rows). */
  events: number;
  /** Warnings of the run checks about this run's documents (stored anyway). */
  warnings: Finding[];
}

export class RunTally {
  private readonly splitter = new RunSplitter();
  private readonly results = new Map<string, RunResult>();
  /** Where each stretch of same-run documents begins: [first doc index, run], so doc_index finds its run. */
  private readonly stretches: Array<{ from: number; run: string | null }> = [];
  private count = 0;

  /** Passes the documents through, noting each one's run. */
  observe(documents: DocumentStream): DocumentStream {
    return documents.tap((item) => this.note(item));
  }

  private note(item: DocumentItem): void {
    let assignment: Assignment;
    let runStart: unknown;
    if (isEventBlock(item)) assignment = this.splitter.assignEvents(item.descriptor, item.count);
    else {
      assignment = this.splitter.assign(item[0], item[1]);
      runStart = (item[1] as { run_start?: unknown }).run_start;
    }
    const run = "run" in assignment ? assignment.run : typeof runStart === "string" ? runStart : null;
    const last = this.stretches[this.stretches.length - 1];
    if (!last || last.run !== run) this.stretches.push({ from: this.count, run });
    const documents = documentCountOf(item);
    this.count += documents;
    if (run === null) return;
    let result = this.results.get(run);
    if (!result) {
      result = { uid: run, documents: 0, events: 0, warnings: [] };
      this.results.set(run, result);
    }
    result.documents += documents;
    result.events += eventCountOf(item);
  }

  private runAt(docIndex: number): string | null {
    let low = 0;
    let high = this.stretches.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.stretches[middle].from <= docIndex) low = middle;
      else high = middle - 1;
    }
    return this.stretches[low]?.run ?? null;
  }

  /**
   * One result per run the store says it touched (its order), with the warnings of the put attached to
   * their runs; warnings whose run cannot be told are returned apart.
   */
  resultsFor(touched: string[], warnings: Finding[]): { runs: RunResult[]; unattached: Finding[] } {
    const unattached: Finding[] = [];
    // A run-level warning (no stop, say) names no document: it is clearly the run's only when there is one.
    const onlyRun = this.results.size === 1 ? [...this.results.keys()][0] : null;
    for (const warning of warnings) {
      const run = warning.doc_index === undefined ? onlyRun : this.runAt(warning.doc_index);
      const result = run === null ? undefined : this.results.get(run);
      if (result) result.warnings.push(warning);
      else unattached.push(warning);
    }
    const runs = touched.map(
      (uid) => this.results.get(uid) ?? { uid, documents: 0, events: 0, warnings: [] },
    );
    return { runs, unattached };
  }
}
