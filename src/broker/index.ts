// What users hold: the Broker (lookups, searches, listings), a Run and its Streams, read as Tables, chunks
// or NDArrays, with external data filled on demand.
export { Broker, type BrokerOptions, type RunsOptions } from "./Broker.ts";
export { type FieldSource, fieldSource, mergeDataKeys } from "./dataKeys.ts";
export { Run, type RunOverview, type RunRecord, streamNameOf } from "./Run.ts";
export { runFromText, runRefFromText } from "./runRefText.ts";
export { type ChunkOptions, type FieldOptions, type ReadOptions, Stream } from "./Stream.ts";
export type { SeqSelection } from "./seqSelection.ts";
export { type SortSpec, toSortKeys } from "./sortKeys.ts";
