// Which StreamDatum holds the row of a given seq_num, and at which offset. Well-formed StreamDatums of a key
// cover disjoint seq_num ranges (a binary search finds them); overlapping ones (a hand-made fixture has two
// both starting at 1) are taken in order: the k-th row with a seq_num goes to the k-th datum covering it.
import type { StreamDatum, StreamResource } from "../documents/types.ts";

/** A StreamDatum with the StreamResource it reads from. */
export interface StreamSlice {
  resource: StreamResource;
  datum: StreamDatum;
}

/** Row `offset` (0-based) of a StreamDatum's rows. */
export interface StreamRowRef {
  slice: StreamSlice;
  offset: number;
}

export class StreamRowIndex {
  /** Sorted by first seq_num (stable: stored order among equals). */
  readonly slices: readonly StreamSlice[];
  private readonly overlapping: boolean;

  constructor(slices: readonly StreamSlice[]) {
    this.slices = [...slices].sort((a, b) => a.datum.seq_nums.start - b.datum.seq_nums.start);
    let reach = Number.NEGATIVE_INFINITY;
    let overlapping = false;
    for (const { datum } of this.slices) {
      if (datum.seq_nums.start < reach) overlapping = true;
      reach = Math.max(reach, datum.seq_nums.stop);
    }
    this.overlapping = overlapping;
  }

  /** Every seq_num the datums cover, datum after datum (a seq_num twice if two datums cover it). */
  seqNums(keep: (seq: number) => boolean): number[] {
    const out: number[] = [];
    for (const { datum } of this.slices)
      for (let seq = datum.seq_nums.start; seq < datum.seq_nums.stop; seq++) if (keep(seq)) out.push(seq);
    return out;
  }

  /** Where each row's value is, or undefined for a seq_num no datum covers. */
  locate(seqNums: ArrayLike<number>): Array<StreamRowRef | undefined> {
    const refs = new Array<StreamRowRef | undefined>(seqNums.length);
    const seen = this.overlapping ? new Map<number, number>() : undefined;
    for (let row = 0; row < seqNums.length; row++) {
      const seq = seqNums[row];
      let slice: StreamSlice | undefined;
      if (seen) {
        const occurrence = seen.get(seq) ?? 0;
        seen.set(seq, occurrence + 1);
        slice = this.slices.filter(({ datum }) => seq >= datum.seq_nums.start && seq < datum.seq_nums.stop)[
          occurrence
        ];
      } else {
        slice = this.disjointSliceOf(seq);
      }
      refs[row] = slice && { slice, offset: seq - slice.datum.seq_nums.start };
    }
    return refs;
  }

  private disjointSliceOf(seq: number): StreamSlice | undefined {
    let low = 0;
    let high = this.slices.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const { start, stop } = this.slices[mid].datum.seq_nums;
      if (seq < start) high = mid - 1;
      else if (seq >= stop) low = mid + 1;
      else return this.slices[mid];
    }
    return undefined;
  }
}
