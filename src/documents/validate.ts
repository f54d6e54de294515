// Validation of event-model documents against the official JSON Schemas (event-model 1.24), hand-written to
// judge exactly as ajv's Ajv2020 does, fast enough to check every event on ingestion. The reference is
// Ajv2020 with strict: false (strict mode refuses these schemas), so NaN/±Infinity are numbers and
// ±Infinity (not NaN) are integers; test/documents/schema-*.test.ts hold the agreement to ajv.
import type { Finding } from "../errors.ts";
import { describeValue } from "./schema/findings.ts";
import { documentCheck, FindingSink } from "./schema/index.ts";
import type { DocumentName } from "./types.ts";

/** The schemas these validators agree with. */
export const schemaVersion = "event-model 1.24";

/** Fast path: does `doc` satisfy the official JSON Schema of `name`? Allocates nothing on valid documents. */
export function isValidDocument(name: DocumentName, doc: unknown): boolean {
  const check = documentCheck(name);
  return check === undefined ? false : check(doc, "", null);
}

/** Every way `doc` breaks the official JSON Schema of `name` (empty when valid); `doc_index` left unset. */
export function validateDocument(name: DocumentName, doc: unknown): Finding[] {
  const sink = new FindingSink(name);
  const check = documentCheck(name);
  if (check === undefined) {
    sink.report("", "document-name", `${describeValue(name)} is not an event-model document name`);
  } else {
    check(doc, "", sink);
  }
  return sink.findings;
}
