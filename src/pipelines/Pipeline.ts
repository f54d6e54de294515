// A pipeline: one processor applied to every run a view of a catalog selects. It derives the runs that have no
// derived run yet (looked up by its deterministic uid), then, when following, each new run live as it is
// written. Each input is taken in hand once per process; a failed run is reported and the others go on.
import type { Broker } from "../broker/Broker.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import type { RunStart } from "../documents/types.ts";
import { LaggedError } from "../errors.ts";
import { rawProvenanceOf } from "../provenance/ProvenanceRecord.ts";
import { PIPE_SOFTWARE } from "./DerivedRunWriter.ts";
import { type Derivation, type DerivedRunReport, deriveRun, isDerived } from "./deriveRun.ts";
import { followedDocuments, runChanges } from "./liveRuns.ts";

export interface PipelineReporter {
  /** A run was processed (derived, or left unfinished by a stop of the pipeline). */
  processed(report: DerivedRunReport): void;
  failed(input: string, error: unknown): void;
}

export interface PipelineTotals {
  derived: number;
  /** Inputs whose derived run was complete already. */
  already: number;
  failed: number;
  /** Inputs left unfinished: the pipeline was stopped while processing them. */
  unfinished: number;
  /** Inputs not stopped yet, left alone by a pipeline that does not follow live runs. */
  running: number;
}

export class Pipeline {
  readonly totals: PipelineTotals = { derived: 0, already: 0, failed: 0, unfinished: 0, running: 0 };
  private readonly taken = new Set<string>();
  private readonly active = new Set<Promise<void>>();

  constructor(
    /** The catalog narrowed to the runs to process. */
    private readonly source: Broker,
    private readonly derivation: Derivation,
    private readonly reporter: PipelineReporter,
  ) {}

  /**
   * The runs the view selects now, oldest first, each derived unless done already. Runs not stopped yet are
   * followed live when `live`, else counted as running and left alone.
   */
  async processExisting(signal: AbortSignal, live: boolean): Promise<void> {
    const listed: RunSummary[] = [];
    // Listed whole first: the derived runs written meanwhile may land in the same catalog.
    for await (const summary of this.source.summaries({ sort: "time" })) listed.push(summary);
    for (const summary of listed) {
      if (signal.aborted) break;
      if (summary.stop === null && !live) {
        if (!this.isOwnOutput(summary.start)) this.totals.running++;
        continue;
      }
      if (summary.stop === null) this.processInBackground(summary, signal);
      else await this.process(summary, signal, false);
    }
  }

  /**
   * Follows the view until `signal` aborts: every run that appears is derived as it is written. Changes are
   * watched from this call on (call it before `processExisting`, so no run falls between the two); one that
   * falls too far behind the notices looks again at the runs there are.
   */
  async followLive(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        for await (const change of runChanges(this.source, signal)) {
          if (signal.aborted) break;
          this.processInBackground(change.summary, signal);
        }
        break;
      } catch (error) {
        if (!(error instanceof LaggedError)) throw error;
        const again = this.processExisting(signal, true).finally(() => this.active.delete(again));
        this.active.add(again);
      }
    }
    await this.finished();
  }

  /** Waits for the runs being followed. */
  async finished(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
  }

  private processInBackground(summary: RunSummary, signal: AbortSignal): void {
    const work = this.process(summary, signal, true).finally(() => this.active.delete(work));
    this.active.add(work);
  }

  /** A derived run of this very processor is not an input again (a view of everything would loop). */
  private isOwnOutput(start: RunStart): boolean {
    const record = rawProvenanceOf(start) as
      | { software?: Array<{ name?: string }>; parameters?: { processor?: string } }
      | undefined;
    return (
      record?.software?.some((software) => software.name === PIPE_SOFTWARE) === true &&
      record.parameters?.processor === this.derivation.processor.name
    );
  }

  private async process(summary: RunSummary, signal: AbortSignal, live: boolean): Promise<void> {
    const { uid } = summary;
    if (this.taken.has(uid) || this.isOwnOutput(summary.start)) return;
    this.taken.add(uid);
    try {
      if (await isDerived(uid, this.derivation)) {
        this.totals.already++;
        return;
      }
      const run = await this.source.runOf(summary);
      const fill = this.derivation.processor.fill === true;
      const documents = live
        ? followedDocuments(this.source, run, { fill, signal })
        : run.documents({ fill });
      // Provenance inputs must be runs of the catalog the derived run is written to: another catalog gets a copy
      // (what is stored of the input now, for the record to name, and all of it once derived).
      const copied = this.derivation.target.store !== this.source.store;
      const copy = { trustResourcePaths: this.derivation.trustResourcePaths };
      if (copied) await this.derivation.target.put(run.documents(), copy);
      const report = await deriveRun(run.start, documents, this.derivation, signal);
      if (copied) await this.derivation.target.put(run.documents(), copy);
      if (report.outcome === "derived") this.totals.derived++;
      else this.totals.unfinished++;
      this.reporter.processed(report);
    } catch (error) {
      this.totals.failed++;
      this.reporter.failed(uid, error);
    }
  }
}
