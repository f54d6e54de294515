// What the scanId and scanIdRange kinds share: the duplicates rule (field, default, language argument) and
// their in-memory test, which keeps only the newest run of each scan_id under "latest".
import { type ScanSelection, scanIdOf, selectsScanId } from "../duplicateRules.ts";
import { oneOf } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { Duplicates } from "../Query.ts";
import { uidOf } from "../runValues.ts";
import type { FunctionCall, QueryText } from "./QueryKind.ts";

export const duplicatesField = oneOf(["latest", "all", "error"], true);

/** The query with its duplicates rule written in (default latest). */
export function withDuplicates<Q extends ScanSelection>(query: Q): Q {
  return { ...query, duplicates: query.duplicates ?? "latest" };
}

/** A call's `duplicates=` argument (the only named one a scan selection takes). */
export function duplicatesArgument(call: FunctionCall): Duplicates {
  return (call.named(["duplicates"]).duplicates?.value ?? "latest") as Duplicates;
}

/** The call as printed, `duplicates=` only when not the default. */
export function formatScanCall(
  name: string,
  args: string[],
  duplicates: Duplicates,
  text: QueryText,
): string {
  const all = duplicates === "latest" ? args : [...args, `duplicates=${text.value(duplicates)}`];
  return `${name}(${all.join(", ")})`;
}

export const matchScanSelection: MemoryTranslation<ScanSelection> = (query, context) => {
  if (query.duplicates !== "latest") return (run) => selectsScanId(query, scanIdOf(run.start));
  let winners: Set<string> | undefined;
  return (run) => {
    winners ??= context.latest(query, context.scope);
    return winners.has(uidOf(run));
  };
};
