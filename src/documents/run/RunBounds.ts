// The start and the stop of a run: one start, first (`one-start`, `start-first`, `start-missing`); at most one
// stop, last (`one-stop`, `stop-last`); a run without a stop (crashed or still running: `stop-missing`) or
// that ended in failure (`exit-status`) is readable, so those two are warnings.
import type { RunFindings } from "./RunFindings.ts";

type Doc = Record<string, unknown>;

export class RunBounds {
  start?: { uid: string | null; index: number };
  stop?: { doc: Doc; index: number };

  constructor(private readonly findings: RunFindings) {}

  /** A start at document `i`; false when the run already has one. */
  addStart(i: number, doc: Doc): boolean {
    if (this.start) {
      const message = `a second start (the run began at document ${this.start.index})`;
      this.findings.report({
        doc_index: i,
        name: "start",
        path: "",
        rule: "one-start",
        message,
        severity: "error",
      });
      return false;
    }
    this.start = { uid: typeof doc.uid === "string" ? doc.uid : null, index: i };
    if (i > 0) {
      const message = `the start comes after ${i} other documents`;
      this.findings.report({
        doc_index: i,
        name: "start",
        path: "",
        rule: "start-first",
        message,
        severity: "error",
      });
    }
    return true;
  }

  /** A stop at document `i`. */
  addStop(i: number, doc: Doc): void {
    if (this.stop) {
      const message = `a second stop (the first is document ${this.stop.index})`;
      this.findings.report({
        doc_index: i,
        name: "stop",
        path: "",
        rule: "one-stop",
        message,
        severity: "error",
      });
      return;
    }
    this.stop = { doc, index: i };
    if (doc.exit_status === "fail" || doc.exit_status === "abort") {
      const reason = typeof doc.reason === "string" && doc.reason !== "" ? `: ${doc.reason}` : "";
      const message = `the run ended with "${doc.exit_status}"${reason}`;
      const path = "exit_status";
      this.findings.report({
        doc_index: i,
        name: "stop",
        path,
        rule: "exit-status",
        message,
        severity: "warning",
      });
    }
  }

  /** Document `i` (not a stop) must come before the stop. */
  checkBeforeStop(i: number, name: string): void {
    if (!this.stop) return;
    const message = `a ${name} after the stop (document ${this.stop.index})`;
    this.findings.report(
      { doc_index: i, name, path: "", rule: "stop-last", message, severity: "error" },
      "stop-last",
    );
  }

  /** The run ended: a start and a stop must have come. */
  finish(): void {
    if (!this.start) {
      const message = "the run has no start document";
      this.findings.report({ name: "start", path: "", rule: "start-missing", message, severity: "error" });
    }
    if (!this.stop) {
      const message = "the run has no stop (it crashed or is running)";
      this.findings.report({ name: "stop", path: "", rule: "stop-missing", message, severity: "warning" });
    }
  }
}
