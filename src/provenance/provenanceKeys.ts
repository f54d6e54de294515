// Keys a view under access rules may not list distinct values of or sort by: those reaching a provenance
// record's inputs (`provenance`, `provenance.inputs`, and below). Their values would hand out the uids
// of inputs hidden from the reader, which the redaction of start documents hides; a search condition on
// them only confirms a uid already known, as derived_from does.
import { ValidationError } from "../errors.ts";
import { keyProblem, parseQueryKey } from "../queries/keyPath.ts";
import type { QueryKey } from "../queries/Query.ts";
import { PROVENANCE_KEY } from "./ProvenanceRecord.ts";

/** Whether `key` reaches the inputs of a provenance record (or the whole record). */
export function reachesProvenanceInputs(key: QueryKey): boolean {
  if (keyProblem(key) !== undefined) return false;
  const { document, segments } = parseQueryKey(key);
  if (document !== "start" || segments[0] !== PROVENANCE_KEY) return false;
  return segments.length === 1 || segments[1] === "inputs";
}

/** Refuses, naming the key and the rule, any of `keys` a principal's `use` (sort, distinct) may not take. */
export function checkedViewKeys(use: "sort" | "distinct", keys: readonly QueryKey[]): void {
  const refused = keys.find(reachesProvenanceInputs);
  if (refused === undefined) return;
  throw new ValidationError(
    `${use} by ${JSON.stringify(refused)} is not offered under access rules: provenance inputs may name runs ` +
      `the reader may not see; ask derived_from("uid") or a run's provenance instead`,
    [
      {
        name: "query",
        path: refused,
        rule: "provenance-inputs",
        message: `${use} cannot reach provenance inputs`,
      },
    ],
  );
}
