// The scanIdRange kind: runs with startId <= scan_id < endId, duplicates resolved as for scanId. Written
// scanIdRange(1, 10, duplicates=".."); Tiled's `scan_id_range` filter.
import { number } from "../fieldChecks.ts";
import type { Duplicates } from "../Query.ts";
import type { QueryKind } from "./QueryKind.ts";
import { duplicatesArgument, duplicatesField, formatScanCall, withDuplicates } from "./scanSelection.ts";

/** Runs with `startId <= scan_id < endId`, duplicates resolved as for ScanID. */
export interface ScanIDRange {
  op: "scanIdRange";
  startId: number;
  endId: number;
  duplicates: Duplicates;
}

export const scanIdRangeQuery = (
  startId: number,
  endId: number,
  duplicates: Duplicates = "latest",
): ScanIDRange => ({
  op: "scanIdRange",
  startId,
  endId,
  duplicates,
});

export const scanIdRangeKind: QueryKind<ScanIDRange> = {
  op: "scanIdRange",
  fields: { startId: number(false, true), endId: number(false, true), duplicates: duplicatesField },
  canonical: withDuplicates,
  format: (query, text) =>
    formatScanCall("scanIdRange", [String(query.startId), String(query.endId)], query.duplicates, text),
  language: {
    functions: {
      names: ["scanIdRange", "scan_id_range"],
      read: (call) => {
        const duplicates = duplicatesArgument(call);
        if (call.positional.length !== 2)
          throw call.error(call.nameToken, `${call.name} takes a start and an end scan_id`);
        return scanIdRangeQuery(
          call.positional[0].value as number,
          call.positional[1].value as number,
          duplicates,
        );
      },
    },
  },
  tiled: {
    name: "scan_id_range",
    fieldNames: { startId: "start_id", endId: "end_id" },
    encode: (query) => ({
      start_id: String(query.startId),
      end_id: String(query.endId),
      duplicates: query.duplicates,
    }),
    decode: (reader) =>
      scanIdRangeQuery(
        reader.number("start_id") ?? 0,
        reader.number("end_id") ?? 0,
        (reader.raw("duplicates", true) ?? "latest") as Duplicates,
      ),
  },
};
