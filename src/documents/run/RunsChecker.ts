// Checks a stream holding any number of runs, one document at a time: splits it into runs (RunSplitter)
// and feeds each run's documents to its own RunChecker. Documents of no run form a report of their own.
import { FindingLog } from "./FindingLog.ts";
import { RunChecker, type RunCheckerOptions } from "./RunChecker.ts";
import { type RunReport, reportOf } from "./RunReport.ts";
import { orphanRepeatKey, RunSplitter } from "./splitRuns.ts";

export class RunsChecker {
  private readonly splitter = new RunSplitter();
  private readonly checkers = new Map<string, RunChecker>();
  private readonly orphans = new FindingLog();
  /** Runs whose stop came before their start: it is an `order` error, so not also a missing stop. */
  private readonly earlyStops = new Set<string>();

  constructor(private readonly options: RunCheckerOptions = {}) {}

  add(name: string, doc: unknown): void {
    const assignment = this.splitter.assign(name, doc);
    if ("orphan" in assignment) {
      this.orphans.add(assignment.orphan, orphanRepeatKey(assignment.orphan));
      return;
    }
    // A document that named this start before it came was an orphan then; the order is the real fault.
    if (assignment.early) {
      this.orphans.add(assignment.early);
      if (assignment.early.name === "stop") this.earlyStops.add(assignment.run);
    }
    let checker = this.checkers.get(assignment.run);
    if (!checker) this.checkers.set(assignment.run, (checker = new RunChecker(this.options)));
    checker.add(name, doc);
  }

  /**
   * One report per run, in the order the runs started; then, when some documents belonged to no run, a
   * report with uid null whose findings index the whole stream.
   */
  finish(): RunReport[] {
    const reports = [...this.checkers].map(([run, checker]) => {
      const report = checker.finish();
      if (!this.earlyStops.has(run)) return report;
      return { ...report, warnings: report.warnings.filter((finding) => finding.rule !== "stop-missing") };
    });
    if (this.orphans.size > 0) reports.push(reportOf(null, this.orphans.list()));
    return reports;
  }
}

/** Check every run of a stream of `[name, doc]` pairs. */
export function validateRuns(
  pairs: Iterable<readonly [string, unknown]>,
  options?: RunCheckerOptions,
): RunReport[] {
  const checker = new RunsChecker(options);
  for (const [name, doc] of pairs) checker.add(name, doc);
  return checker.finish();
}
