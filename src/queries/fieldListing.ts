// Which streams and fields the runs of a search hold (`databroker fields`, GET /api/v1/fields): one row per
// stream and one per field of it, over the runs' stream statistics (FieldStats.ts). The SQL adapters group
// stream_stats (storage/fieldStatsSql.ts); the in-memory ones fold each run's streams here; both then sort here.
import { compareCodePoints } from "./compareValues.ts";
import type { StreamStats } from "./fieldStats.ts";

/** A stream (`field` null) or one field of it, over the matching runs that have it. */
export interface FieldListing {
  stream: string;
  field: string | null;
  /** Runs having it. */
  runs: number;
  /** Their events: of the stream, or those carrying the field. */
  events: number;
  /** Over the runs whose statistics are known (`notIndexed` counts the others); null when none is. */
  min: number | null;
  max: number | null;
  /** Each value's shape when every run with events agrees; null otherwise (or for a stream). */
  shape: number[] | null;
  /** Runs whose statistics of the field are not known yet (`databroker index` computes them). */
  notIndexed: number;
}

/** Streams first by name, each followed by its fields by name (code points, whatever the adapter's collation). */
export function sortFieldListing(rows: FieldListing[]): FieldListing[] {
  return rows.sort(
    (a, b) =>
      compareCodePoints(a.stream, b.stream) ||
      (a.field === null ? -1 : b.field === null ? 1 : compareCodePoints(a.field, b.field)),
  );
}

function sameShape(a: number[] | null, b: number[] | null): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((extent, i) => extent === b[i]);
}

/** Folds one run's stream or field into its row, as the SQL's GROUP BY does. */
function add(
  rows: Map<string, FieldListing & { voted: boolean }>,
  stream: string,
  field: string | null,
  stats: {
    events: number;
    min?: number | null;
    max?: number | null;
    shape?: number[] | null;
    indexed?: boolean;
  },
): void {
  const key = JSON.stringify([stream, field]);
  let row = rows.get(key);
  if (!row) {
    row = {
      stream,
      field,
      runs: 0,
      events: 0,
      min: null,
      max: null,
      shape: null,
      notIndexed: 0,
      voted: false,
    };
    rows.set(key, row);
  }
  row.runs++;
  row.events += stats.events;
  if (stats.indexed === false) row.notIndexed++;
  else {
    if (stats.min != null) row.min = row.min === null ? stats.min : Math.min(row.min, stats.min);
    if (stats.max != null) row.max = row.max === null ? stats.max : Math.max(row.max, stats.max);
  }
  // Only runs with events vote on the shape: it stays when they all have one and agree.
  if (field === null || stats.events === 0) return;
  const shape = stats.shape ?? null;
  row.shape = !row.voted ? shape : sameShape(row.shape, shape) ? row.shape : null;
  row.voted = true;
}

/** The listing of runs given by their streams' statistics (memory and files adapters). */
export function listFields(runs: Iterable<Record<string, StreamStats> | undefined>): FieldListing[] {
  const rows = new Map<string, FieldListing & { voted: boolean }>();
  for (const streams of runs) {
    for (const [stream, summary] of Object.entries(streams ?? {})) {
      add(rows, stream, null, { events: summary.events });
      for (const [field, stats] of Object.entries(summary.fields)) add(rows, stream, field, stats);
    }
  }
  return sortFieldListing([...rows.values()].map(({ voted: _, ...row }) => row));
}
