// Per-field statistics of recorded data: computed at ingest (storage/ingest/fieldStats.ts), persisted with the
// event pages per descriptor, read back by `Store.fieldStats`, and summed per stream of a run for search into
// data (kinds/dataStat.ts and its siblings), which read them as a run's `streams` (runValues.ts).

/** Per-field statistics of a descriptor's events, kept up to date at ingest. */
export interface FieldStats {
  /** Events that carry the field. */
  events: number;
  /** Numbers seen (each element of an array value counts once); NaN is left out. */
  count: number;
  /** Over the numbers counted; null when `count` is 0. */
  min: number | null;
  max: number | null;
  sum: number | null;
  /** The shape of every value when all events agree (`[]` for scalars); null when they differ or are ragged. */
  shape: number[] | null;
  /**
   * The least and greatest of each event's own sum and mean of its numbers (a scalar is its own sum and
   * mean; NaN is left out; an event without numbers, or whose sum is NaN from +Infinity and -Infinity, has
   * none). Null when no event has one.
   */
  sumMin: number | null;
  sumMax: number | null;
  meanMin: number | null;
  meanMax: number | null;
  /**
   * False while the numbers are not known: a field of external data (its events hold datum ids; `databroker
   * index` reads the files), or one stored before per-event sums and means were kept. Queries on such a
   * field fail rather than answer from what is missing.
   */
  indexed: boolean;
}

/** The statistics of a field nothing is known of yet (`indexed` false) or that has no events yet. */
export function emptyFieldStats(events: number, indexed: boolean): FieldStats {
  return {
    events,
    count: 0,
    min: null,
    max: null,
    sum: null,
    shape: null,
    sumMin: null,
    sumMax: null,
    meanMin: null,
    meanMax: null,
    indexed,
  };
}

/** A stream of a run as search into data sees it: its events and each field's statistics over its descriptors. */
export interface StreamStats {
  events: number;
  fields: Record<string, FieldStats>;
}
