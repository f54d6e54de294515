// Collects run findings; a finding that repeats (same repeat key, e.g. one missing key in every event of a
// stream) is kept once and counted, so a report on a million broken documents stays readable.
import type { RunFinding } from "./RunReport.ts";

export class FindingLog {
  private readonly kept: RunFinding[] = [];
  private readonly repeats = new Map<string, { finding: RunFinding; more: number }>();

  /** Record a finding; false when it only counted as a repeat of an earlier one with the same key. */
  add(finding: RunFinding, repeatKey?: string): boolean {
    if (repeatKey !== undefined) {
      const seen = this.repeats.get(repeatKey);
      if (seen) {
        seen.more++;
        return false;
      }
      this.repeats.set(repeatKey, { finding, more: 0 });
    }
    this.kept.push(finding);
    return true;
  }

  get size(): number {
    return this.kept.length;
  }

  /** The kept findings in the order recorded; a repeated one says "(and N more like it)". */
  list(): RunFinding[] {
    const more = new Map<RunFinding, number>();
    for (const repeat of this.repeats.values()) if (repeat.more > 0) more.set(repeat.finding, repeat.more);
    return this.kept.map((finding) =>
      more.has(finding)
        ? { ...finding, message: `${finding.message} (and ${more.get(finding)} more like it)` }
        : finding,
    );
  }
}
