// What users hold: the Broker (lookups, searches, listings), a Run and its Streams, read as Tables, chunks
// or NDArrays, with external data filled on demand.
export type { RunsOptions } from "../catalog/RunsOptions.ts";
export type { SortSpec } from "../catalog/SortKey.ts";
export { Broker, type BrokerOptions } from "./Broker.ts";
export type { BrokerLike, RunLike, StreamLike } from "./BrokerLike.ts";
export { type FieldSource, fieldSource, mergeDataKeys } from "./dataKeys.ts";
export {
  type IndexFailure,
  type IndexOptions,
  type IndexProgress,
  type IndexSummary,
  indexFields,
} from "./indexFields.ts";
export { Run, type RunRecord } from "./Run.ts";
export { type RunOverview, streamNameOf } from "./RunDescription.ts";
export { runFromText, runRefFromText } from "./runRefText.ts";
export { type ChunkOptions, type FieldOptions, type ReadOptions, Stream } from "./Stream.ts";
export type { SeqSelection } from "./seqSelection.ts";
export { toSortKeys } from "./sortKeys.ts";
