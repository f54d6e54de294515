// Per-field statistics of a descriptor's events: computed at ingest (ingest/fieldStats.ts), persisted with
// the event pages and read back by `Store.fieldStats`.

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
}
