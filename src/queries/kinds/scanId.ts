// The scanId kind: runs with one of some scan_ids, duplicates resolved by its rule. Written
// scanId(1, 2, duplicates=".."); Tiled's `scan_id` filter.
import { listOf, number } from "../fieldChecks.ts";
import type { Duplicates } from "../Query.ts";
import type { QueryKind } from "./QueryKind.ts";
import { duplicatesArgument, duplicatesField, formatScanCall, withDuplicates } from "./scanSelection.ts";

/**
 * Runs whose start `scan_id` is one of `scanIds`. Duplicates are resolved among the runs that also satisfy
 * the query's other conditions joined to it by `and` (its scope, see scope.ts), as a chained Tiled search
 * resolves them among the results so far.
 */
export interface ScanID {
  op: "scanId";
  scanIds: number[];
  duplicates: Duplicates;
}

export const scanIdQuery = (scanIds: number[], duplicates: Duplicates = "latest"): ScanID => ({
  op: "scanId",
  scanIds,
  duplicates,
});

const integer = number(false, true);

export const scanIdKind: QueryKind<ScanID> = {
  op: "scanId",
  fields: {
    scanIds: listOf((value) => integer.check(value, "", [], () => {}), "integer scan_ids"),
    duplicates: duplicatesField,
  },
  canonical: withDuplicates,
  format: (query, text) => formatScanCall("scanId", query.scanIds.map(String), query.duplicates, text),
  language: {
    functions: {
      names: ["scanId", "scan_id"],
      read: (call) => {
        const duplicates = duplicatesArgument(call);
        return scanIdQuery(
          call.positional.map((arg) => arg.value as number),
          duplicates,
        );
      },
    },
  },
  tiled: {
    name: "scan_id",
    fieldNames: { scanIds: "scan_ids" },
    encode: (query) => ({ scan_ids: query.scanIds.join(","), duplicates: query.duplicates }),
    decode: (reader) =>
      scanIdQuery(
        (reader.raw("scan_ids") ?? "").split(",").map((id) => (id.trim() === "" ? Number.NaN : Number(id))),
        (reader.raw("duplicates", true) ?? "latest") as Duplicates,
      ),
  },
};
