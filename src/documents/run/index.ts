// Run-level validation of event-model streams: one run (RunChecker), many runs (RunsChecker), splitting.
export { RunChecker, type RunCheckerOptions, validateRun } from "./RunChecker.ts";
export type { RunFinding, RunReport, Severity } from "./RunReport.ts";
export { RunsChecker, validateRuns } from "./RunsChecker.ts";
export { type Assignment, RunSplitter, type SplitRuns, splitRuns } from "./splitRuns.ts";
