// The SQL both SQL adapters share for a stream's statistics (`stream_stats`): each field's descriptor totals
// (`field_stats`) summed over the descriptors of one stream of a run, as ingest/fieldStats.ts mergeStats does
// in memory, plus a row with the field '' for the stream itself (its events, its existence when empty).
// Rewritten for the streams a batch touched, and for every stream by the schema upgrade that added it.

/** Which streams: a condition on `s.run` and `s.stream` (bound by the caller), or null for all of them. */
function where(streams: string | null): string {
  return streams === null ? "" : `WHERE ${streams}`;
}

/**
 * The shape of a group of rows of `alias` (descriptors of a stream, runs of a listing): only rows with events
 * vote, and it is kept when they all have one and agree.
 */
export function agreedShape(alias: string): string {
  const voters = `FILTER (WHERE ${alias}.events > 0)`;
  return `CASE WHEN count(*) ${voters} = count(${alias}.shape) ${voters}
    AND min(${alias}.shape) ${voters} = max(${alias}.shape) ${voters}
  THEN min(${alias}.shape) ${voters} END`;
}

export const STREAM_STATS_COLUMNS =
  "run, stream, field, events, count, min, max, sum, sum_min, sum_max, mean_min, mean_max, shape, indexed";

/** Inserts the rows of the streams chosen (their old rows deleted first). */
export function insertStreamStats(streams: string | null): string {
  return `INSERT INTO stream_stats (${STREAM_STATS_COLUMNS})
SELECT s.run, s.stream, '', sum(s.events), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1
FROM streams s ${where(streams)} GROUP BY s.run, s.stream
UNION ALL
SELECT s.run, s.stream, f.key, sum(f.events), sum(f.count), min(f.min), max(f.max), sum(f.sum), min(f.sum_min),
  max(f.sum_max), min(f.mean_min), max(f.mean_max), ${agreedShape("f")}, min(f.indexed)
FROM field_stats f JOIN streams s ON s.descriptor = f.descriptor ${where(streams)} GROUP BY s.run, s.stream, f.key`;
}

/** The (run, stream) pairs a batch's descriptors belong to, once each. */
export function touchedStreams(
  counts: ReadonlyArray<{ run: string; stream: string }>,
): Array<[string, string]> {
  const pairs = new Map<string, [string, string]>();
  for (const { run, stream } of counts) pairs.set(JSON.stringify([run, stream]), [run, stream]);
  return [...pairs.values()];
}

/**
 * The statistics with an index of their own, (stream, field, statistic): those searches compare most (ranges,
 * "some frame above", event counts). Each index costs every ingest a row per field, so the rest (count,
 * sum_min, the means) read a field's rows through the prefix of these instead.
 */
export const STREAM_STATS_INDEXED = ["min", "max", "sum_max", "events"];

export const STREAM_STATS_INDEXES = [
  ...STREAM_STATS_INDEXED.map(
    (column) => `CREATE INDEX stream_stats_${column} ON stream_stats (stream, field, ${column});`,
  ),
  // The fields not indexed yet, which every data query checks for first: a partial index of only those
  // rows, so the check reads none of the indexed ones (and ingest of indexed fields never writes it).
  "CREATE INDEX stream_stats_unindexed ON stream_stats (stream, field) WHERE indexed = 0;",
].join("\n");
