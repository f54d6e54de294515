// The rejection of a batch whose documents break a rule: one ValidationError that names the first finding
// (document, path, message) and counts the others, carrying them all. Nothing of the batch is stored.
import { type Finding, ValidationError } from "../../errors.ts";

/** Builds the rejection of a batch from its findings. */
export function rejection(findings: Finding[]): ValidationError {
  const first = findings[0];
  const where = first.doc_index === undefined ? first.name : `document ${first.doc_index} (${first.name})`;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
  return new ValidationError(
    `batch rejected, nothing stored: ${where}${first.path ? ` ${first.path}` : ""}: ${first.message}${more}`,
    findings,
  );
}
