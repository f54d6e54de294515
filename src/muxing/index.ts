// Muxing: operations on Tables that bring streams and runs together or take them apart — align one stream
// onto another's times, merge runs, split a stream into segments, pivot and stack array fields, resample and
// bin. Missing values and dtypes follow the rules written in missing.ts.
export {
  ALIGN_METHODS,
  Aligner,
  type AlignMethod,
  type AlignOptions,
  align,
  alignChunks,
  isAlignMethod,
} from "./align.ts";
export {
  AGGREGATES,
  type Aggregate,
  type BinAxis,
  Binner,
  type BinOptions,
  bin,
  binChunks,
  isAggregate,
  resample,
  resolveAxis,
} from "./bin.ts";
export { SortedKeys } from "./sortedTimes.ts";
export { alignedChunks, readAligned, type StreamAlignOptions } from "./streams.ts";
