// Queries over runs as plain data values: they serialize to JSON unchanged, evaluate in memory (matches.ts)
// and compile to each adapter's own language. Issue 4 extends this base with more operators.

/**
 * A dotted path into the run's metadata: `plan_name`, `sample.name`. Paths reach the start document, except
 * that a leading `stop.` reaches the stop document and a leading `start.` is an explicit way to say start
 * (so a start key literally named `stop` is `start.stop`). Segments are object keys, never array indexes.
 */
export type QueryKey = string;

/** A JSON value a query compares against. */
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

/** The document has `key` (a JSON null counts as present). */
export interface KeyPresent {
  op: "keyPresent";
  key: QueryKey;
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

export type Query = All | Eq | Comparison | In | KeyPresent | And | Or | Not;

/** The query that every run matches. */
export const ALL: All = { op: "all" };
