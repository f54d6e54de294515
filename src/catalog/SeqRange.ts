// Which events of a stream a read takes, by seq_num: what the broker's slices and the stores' column reads
// share.

/** A range of seq_num, half-open like the event model's StreamRange: `from <= seq_num < to`. */
export interface SeqRange {
  from?: number;
  to?: number;
}
