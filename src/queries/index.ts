// The query layer's public API: query values and their builders, evaluation in memory, and the three
// serialized forms (JSON for saved searches, Tiled's filter parameters, the language for people).
export {
  all,
  and,
  fullText,
  KeyBuilder,
  key,
  not,
  or,
  partialUid,
  scanId,
  scanIdRange,
  type TimeRangeOptions,
  timeRange,
} from "./builders.ts";
export { type DistinctValue, distinctValues, sortDistinct } from "./distinct.ts";
export { formatQuery } from "./formatQuery.ts";
export { filterRuns, matches, type RunMetadata, RunQuery, valueAt, valuesAt } from "./matches.ts";
export { type ParseOptions, parseQuery } from "./parseQuery.ts";
export * from "./Query.ts";
export { queryFromJSON, queryToJSON } from "./queryJson.ts";
export type { Built, Chainable } from "./queryValue.ts";
export { queryFromTiledParams, queryToTiledParams, type TiledParam } from "./tiledParams.ts";
export { localTimeZone, parseTime } from "./timeParsing.ts";
export { checkQuery, queryProblems } from "./validateQuery.ts";
