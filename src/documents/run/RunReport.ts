// What a run check reports: findings (the shared Finding of src/errors.ts plus a severity), split into the
// errors that make a run invalid and the warnings that leave it readable.
import type { Finding } from "../../errors.ts";

/** Errors make a run invalid; warnings note messy but readable data. */
export type Severity = "error" | "warning";

/** One finding about a run: the document (index in the run, name), the field path, the rule, a message. */
export interface RunFinding extends Finding {
  severity: Severity;
}

/** The verdict on one run, named by its start uid (`null` for documents that belong to no run). */
export interface RunReport {
  uid: string | null;
  valid: boolean;
  errors: RunFinding[];
  warnings: RunFinding[];
}

/** A report from findings in any order: sorted by document index (run-level findings last). */
export function reportOf(uid: string | null, findings: RunFinding[]): RunReport {
  const position = (finding: RunFinding) => finding.doc_index ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...findings].sort((a, b) => position(a) - position(b));
  const errors = sorted.filter((finding) => finding.severity === "error");
  const warnings = sorted.filter((finding) => finding.severity === "warning");
  return { uid, valid: errors.length === 0, errors, warnings };
}
