// The checks of a run's documents one by one, whatever comes before or after them: a known document name,
// the document's JSON Schema (rule names from validateDocument), its times in range (timeRange.ts) and its
// nesting depth (nestingDepth.ts).

import type { DocumentName } from "../types.ts";
import { isValidDocument, validateDocument } from "../validate.ts";
import { DEPTH_RULE, MAX_DOCUMENT_DEPTH, tooDeepPath } from "./nestingDepth.ts";
import type { RunFindings } from "./RunFindings.ts";
import { checkDocumentTimes, documentTimesAccepted, TIME_RULE } from "./timeRange.ts";

export function reportUnknownName(findings: RunFindings, i: number, name: unknown): void {
  const message = `unknown document name ${JSON.stringify(name)}`;
  findings.report({
    doc_index: i,
    name: String(name),
    path: "",
    rule: "document-name",
    message,
    severity: "error",
  });
}

/** The document against its schema: the fast check first, the explaining one only when it fails. */
export function checkSchema(findings: RunFindings, i: number, name: DocumentName, doc: unknown): void {
  if (isValidDocument(name, doc)) return;
  for (const { path, rule, message } of validateDocument(name, doc)) {
    findings.report({ doc_index: i, name, path, rule, message, severity: "error" });
  }
}

/** Every `time` of the document in range; events repeat a bad time in every row: one finding per kind, counted. */
export function checkTimes(
  findings: RunFindings,
  i: number,
  name: string,
  doc: Record<string, unknown>,
): void {
  if (documentTimesAccepted(name, doc)) return;
  const repeats = !(name === "start" || name === "stop" || name === "descriptor");
  checkDocumentTimes(name, doc, (path, message) =>
    findings.report(
      { doc_index: i, name, path, rule: TIME_RULE, message, severity: "error" },
      repeats ? `${TIME_RULE}|${name}` : undefined,
    ),
  );
}

/** A document other than an event nested too deep for the catalogs' JSON (nestingDepth.ts). */
export function checkDepth(
  findings: RunFindings,
  i: number,
  name: string,
  doc: Record<string, unknown>,
): void {
  if (name === "event" || name === "event_page") return;
  const path = tooDeepPath(doc);
  if (path === undefined) return;
  const message = `nested deeper than ${MAX_DOCUMENT_DEPTH} levels of objects and arrays`;
  findings.report({ doc_index: i, name, path, rule: DEPTH_RULE, message, severity: "error" });
}
