// The findings of one run as its documents are checked: each goes to the run's log (FindingLog, where repeats
// are counted) and to the list of the document being added, which RunChecker.add returns. Checks build a
// finding record only when something is wrong, its fields in the order reports print them.
import { FindingLog } from "./FindingLog.ts";
import type { RunFinding } from "./RunReport.ts";

export class RunFindings {
  private readonly log = new FindingLog();
  /** Findings of the document being added; null until it raises one. */
  private raised: RunFinding[] | null = null;

  /** The next document is being added: its list starts empty. */
  beginDocument(): void {
    this.raised = null;
  }

  /** The findings raised since beginDocument() (some may name earlier documents). */
  ofDocument(): RunFinding[] {
    return this.raised ?? [];
  }

  /** Records a finding; findings sharing a `repeatKey` are kept once and counted (see FindingLog). */
  report(finding: RunFinding, repeatKey?: string): void {
    this.log.add(finding, repeatKey);
    if (this.raised) this.raised.push(finding);
    else this.raised = [finding];
  }

  /** Every finding kept, repeats counted in their messages. */
  list(): RunFinding[] {
    return this.log.list();
  }
}

/** A finding's path: `path`, or `path[row]` for a row of a page (built only when there is a finding). */
export function atRow(path: string, row: number | undefined): string {
  return row === undefined ? path : `${path}[${row}]`;
}
