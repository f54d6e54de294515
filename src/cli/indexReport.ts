// How `databroker index` and `serve --index` report their work: a line per failed field, and a summary.
import type { IndexFailure, IndexSummary } from "../broker/indexFields.ts";
import { plural } from "./plural.ts";
import { formatDuration } from "./progress.ts";

export function indexFailureLine(failure: IndexFailure): string {
  return `run ${failure.run} ${failure.stream}.${failure.field} failed: ${failure.message}`;
}

/** `indexed 4 fields of 2 runs in 5 s; 1 field failed`, or that there was nothing to do. */
export function indexSummaryLine(summary: IndexSummary, seconds?: number): string {
  if (summary.fields === 0) return "nothing to index: every field is indexed";
  const took = seconds === undefined ? "" : ` in ${formatDuration(seconds)}`;
  const failed = summary.failed.length === 0 ? "" : `; ${plural(summary.failed.length, "field")} failed`;
  const stopped = summary.stopped ? " (stopped before the end: run it again to resume)" : "";
  return `indexed ${plural(summary.indexed, "field")} of ${plural(summary.runs, "run")}${took}${failed}${stopped}`;
}
