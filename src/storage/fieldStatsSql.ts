// The SQL both SQL adapters share for what `databroker index` and `databroker fields` ask of the statistics:
// the fields not indexed yet (field_stats), and the streams and fields of a search's runs (stream_stats,
// grouped as queries/fieldListing.ts defines for the in-memory adapters).
import { agreedShape } from "./streamStatsSql.ts";

/** Every field not indexed, with its run and stream: rows of UnindexedField. */
export const UNINDEXED_FIELDS = `SELECT s.run, f.descriptor, s.stream, f.key AS field
FROM field_stats f JOIN streams s ON s.descriptor = f.descriptor
WHERE f.indexed = 0 ORDER BY s.run, f.descriptor, f.key`;

/**
 * One row per stream (field '') and per field of it over the runs `runUids` (a subquery) selects: min and
 * max over the runs whose statistics are known, `not_indexed` counting the others.
 */
export function fieldListingSql(runUids: string): string {
  return `SELECT t.stream, t.field, count(*) AS runs, sum(t.events) AS events,
  min(t.min) FILTER (WHERE t.indexed = 1) AS min, max(t.max) FILTER (WHERE t.indexed = 1) AS max,
  ${agreedShape("t")} AS shape, count(*) FILTER (WHERE t.indexed = 0) AS not_indexed
FROM stream_stats t WHERE t.run IN (${runUids}) GROUP BY t.stream, t.field`;
}

/** A row of fieldListingSql as FieldListing wants it (less the shape, which each adapter reads its own way). */
export interface FieldListingRow {
  stream: string;
  field: string;
  runs: number | string;
  events: number | string;
  min: number | null;
  max: number | null;
  not_indexed: number | string;
}

export function fieldListingOf(row: FieldListingRow, shape: number[] | null) {
  const stream = row.field === "";
  return {
    stream: row.stream,
    field: stream ? null : row.field,
    runs: Number(row.runs),
    events: Number(row.events),
    min: row.min,
    max: row.max,
    shape: stream ? null : shape,
    notIndexed: Number(row.not_indexed),
  };
}
