// Queries over runs as plain data values: they serialize to JSON unchanged, evaluate in memory (matches.ts)
// and compile to each adapter's own language. Names follow Tiled's query types where Tiled has one.

/**
 * A dotted path into a run's metadata: `plan_name`, `sample.name`. Paths reach the start document, except
 * that a leading `stop.` reaches the stop document, a leading `descriptors.` reaches every descriptor of the
 * run (the query holds when it holds for any one of them), and a leading `start.` is an explicit way to say
 * start (so a start key literally named `stop` is `start.stop`). Segments are object keys, never array
 * indexes.
 */
export type QueryKey = string;

/** A JSON value a query compares against (numbers are finite). */
export type QueryValue = null | boolean | number | string | QueryValue[] | { [key: string]: QueryValue };

/** Every run. */
export interface All {
  op: "all";
}

/** The value at `key` equals `value` (same JSON type; arrays and objects compare as their JSON text). */
export interface Eq {
  op: "eq";
  key: QueryKey;
  value: QueryValue;
}

/**
 * The run has `key` and its value differs from `value`. As in Tiled (and unlike MongoDB's `$ne`), a run
 * without the key does not match: `not(eq)` is the query that also takes those.
 */
export interface NotEq {
  op: "notEq";
  key: QueryKey;
  value: QueryValue;
}

export type ComparisonOperator = "lt" | "le" | "gt" | "ge";

/** The value at `key` compares to `value`: numbers with numbers, strings with strings (by code point). */
export interface Comparison {
  op: "comparison";
  key: QueryKey;
  operator: ComparisonOperator;
  value: number | string;
}

/** The value at `key` equals one of `values`. */
export interface In {
  op: "in";
  key: QueryKey;
  values: QueryValue[];
}

/** The run has `key` and its value equals none of `values` (a run without the key does not match). */
export interface NotIn {
  op: "notIn";
  key: QueryKey;
  values: QueryValue[];
}

/**
 * The value at `key` contains `value`: when the stored value is an array, one of its elements equals `value`
 * (list membership); when it is a string and `value` is a string, `value` is a substring of it
 * (case-sensitive). Any other stored value never contains anything.
 */
export interface Contains {
  op: "contains";
  key: QueryKey;
  value: QueryValue;
}

/**
 * The string at `key` matches an SQL LIKE pattern over the whole string: `%` is any run of characters, `_`
 * exactly one character, and a backslash makes the next character literal (`\%`, `\_`, `\\`). Case-sensitive
 * on every adapter (as PostgreSQL's LIKE; SQLite's own LIKE folds ASCII case, so SQLite runs it as GLOB).
 */
export interface Like {
  op: "like";
  key: QueryKey;
  pattern: string;
}

/**
 * The string at `key` contains a match of the regular expression `pattern` (a search, not a full match;
 * anchor with ^ and $). The syntax is ECMAScript's in unicode mode, limited to the part Python's `re` and
 * PostgreSQL also read (see regexPattern.ts).
 */
export interface Regex {
  op: "regex";
  key: QueryKey;
  pattern: string;
  caseSensitive: boolean;
}

/**
 * Every word of `text` appears among the words of the start document's string values (whole words, any order;
 * case and accents ignored). Words are runs of letters and digits (see fullText.ts).
 */
export interface FullText {
  op: "fullText";
  text: string;
}

/** The run has `key` (a JSON null counts as present); with `exists: false`, the run lacks it. Default true. */
export interface KeyPresent {
  op: "keyPresent";
  key: QueryKey;
  exists?: boolean;
}

/**
 * The start document's `time` lies in the half-open range `since <= time < until` (either end optional), in
 * epoch seconds. `timezone` (an IANA name) is the zone the ends were written in: kept for display and for
 * Tiled's `time_range` parameters; evaluation only reads the numbers.
 */
export interface TimeRange {
  op: "timeRange";
  since?: number;
  until?: number;
  timezone: string;
}

/**
 * What a scan_id query does when several runs share one scan_id: keep the newest (by start time; at equal
 * times the smallest uid, the run listed first newest-first), keep all, or fail.
 */
export type Duplicates = "latest" | "all" | "error";

/**
 * Runs whose start `scan_id` is one of `scanIds`. Duplicates are resolved among the runs that also satisfy
 * the query's other conditions joined to it by `and` (its scope, see scope.ts), as a chained Tiled search
 * resolves them among the results so far.
 */
export interface ScanID {
  op: "scanId";
  scanIds: number[];
  duplicates: Duplicates;
}

/** Runs with `startId <= scan_id < endId`, duplicates resolved as for ScanID. */
export interface ScanIDRange {
  op: "scanIdRange";
  startId: number;
  endId: number;
  duplicates: Duplicates;
}

/**
 * Runs whose uid starts with one of `prefixes` (each at least 5 characters). A prefix that matches several
 * runs within the query's scope is an error naming them, as in databroker.
 */
export interface PartialUID {
  op: "partialUid";
  prefixes: string[];
}

export interface And {
  op: "and";
  queries: Query[];
}

export interface Or {
  op: "or";
  queries: Query[];
}

export interface Not {
  op: "not";
  query: Query;
}

export type Query =
  | All
  | Eq
  | NotEq
  | Comparison
  | In
  | NotIn
  | Contains
  | Like
  | Regex
  | FullText
  | KeyPresent
  | TimeRange
  | ScanID
  | ScanIDRange
  | PartialUID
  | And
  | Or
  | Not;

export type QueryOp = Query["op"];

/** The query types that test one key of the metadata. */
export type KeyQuery = Eq | NotEq | Comparison | In | NotIn | Contains | Like | Regex | KeyPresent;

/** The query that every run matches. */
export const ALL: All = { op: "all" };

/** Shortest uid prefix a PartialUID accepts (databroker's rule). */
export const MIN_UID_PREFIX = 5;
