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
  parseMethods,
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
export { type MergeOptions, merge } from "./merge.ts";
export { type ExplodeOptions, explode, type ImplodeOptions, implode } from "./pivot.ts";
export { SortedKeys } from "./sortedTimes.ts";
export { type SplitRule, split } from "./split.ts";
export { stackField, unstackField } from "./stackFields.ts";
export { alignedChunks, readAligned, type StreamAlignOptions } from "./streams.ts";
