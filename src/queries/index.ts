// The query layer's public API: query values and their builders, evaluation in memory, and the three
// serialized forms (JSON for saved searches, Tiled's filter parameters, the language for people), and the
// registry that new kinds of query join.
export {
  all,
  and,
  derivedFrom,
  fullText,
  fuzzy,
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
export type { FieldListing } from "./fieldListing.ts";
export { formatQuery } from "./formatQuery.ts";
export { queryKind, registerQueryKind } from "./kinds/index.ts";
export type {
  FunctionCall,
  KeyCondition,
  LanguageForm,
  QueryKind,
  QueryText,
  TiledForm,
} from "./kinds/QueryKind.ts";
export type { Translation, Translations, TranslationTable } from "./kinds/TranslationTable.ts";
export {
  filterRuns,
  matches,
  memoryTranslations,
  type RunMetadata,
  RunQuery,
  valueAt,
  valuesAt,
} from "./matches.ts";
export type { MatchContext, MemoryTranslation, RunTest } from "./memoryMatch.ts";
export { type ParseOptions, parseQuery } from "./parseQuery.ts";
export * from "./Query.ts";
export { queryFromJSON, queryToJSON } from "./queryJson.ts";
export type { Built, Chainable } from "./queryValue.ts";
export { queryFromTiledParams, queryToTiledParams, type TiledParam } from "./tiledParams.ts";
export { localTimeZone, parseTime } from "./timeParsing.ts";
export { checkQuery, queryProblems } from "./validateQuery.ts";
