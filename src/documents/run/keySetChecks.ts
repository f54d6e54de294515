// The key sets of an event (or of a page, whose keys hold for every row) against its descriptor's data keys:
// `data-keys`, `timestamps-keys`, `filled-keys` (the rules are eventKeys.ts's). A finding repeats per rule,
// path and descriptor, so one key missing from a million events is one finding with a count.
import { eventKeyProblems } from "./eventKeys.ts";
import type { RunFindings } from "./RunFindings.ts";
import type { DescriptorState } from "./Streams.ts";

type Doc = Record<string, unknown>;

/** The keys of `data`, `timestamps` and `filled` of document `i`, their paths under `prefix`. */
export function checkKeySets(
  findings: RunFindings,
  i: number,
  name: string,
  prefix: string,
  descriptor: DescriptorState,
  data: Doc,
  timestamps: Doc,
  filled: Doc | undefined,
): void {
  for (const { path, rule, message } of eventKeyProblems(descriptor.keys, data, timestamps, filled)) {
    findings.report(
      { doc_index: i, name, path: `${prefix}${path}`, rule, message, severity: "error" },
      `${rule}|${path}|${descriptor.uid}`,
    );
  }
}
