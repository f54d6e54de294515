// Queries over runs as plain data values: they serialize to JSON unchanged, evaluate in memory (matches.ts)
// and compile to each adapter's own language. Names follow Tiled's query types where Tiled has one. The
// kinds of query are registered in kinds/index.ts; this module holds what they share.

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

/**
 * What a scan_id query does when several runs share one scan_id: keep the newest (by start time; at equal
 * times the smallest uid, the run listed first newest-first), keep all, or fail.
 */
export type Duplicates = "latest" | "all" | "error";

// Each kind's type lives with the kind (kinds/<op>.ts); `Query` is the union the registry derives from them.
export type { All } from "./kinds/all.ts";
export type { And } from "./kinds/and.ts";
export type { Comparison, ComparisonOperator } from "./kinds/comparison.ts";
export type { Contains } from "./kinds/contains.ts";
export type { DerivedFrom } from "./kinds/derivedFrom.ts";
export type { Eq } from "./kinds/eq.ts";
export type { FullText } from "./kinds/fullText.ts";
export type { Fuzzy } from "./kinds/fuzzy.ts";
export type { In } from "./kinds/in.ts";
export type { BuiltInQueries, Query, QueryOf, QueryOp } from "./kinds/index.ts";
export type { KeyPresent } from "./kinds/keyPresent.ts";
export type { Like } from "./kinds/like.ts";
export type { Not } from "./kinds/not.ts";
export type { NotEq } from "./kinds/notEq.ts";
export type { NotIn } from "./kinds/notIn.ts";
export type { Or } from "./kinds/or.ts";
export type { PartialUID } from "./kinds/partialUid.ts";
export type { Regex } from "./kinds/regex.ts";
export type { ScanID } from "./kinds/scanId.ts";
export type { ScanIDRange } from "./kinds/scanIdRange.ts";
export type { TimeRange } from "./kinds/timeRange.ts";

import type { All } from "./kinds/all.ts";
import type { Comparison } from "./kinds/comparison.ts";
import type { Contains } from "./kinds/contains.ts";
import type { Eq } from "./kinds/eq.ts";
import type { In } from "./kinds/in.ts";
import type { KeyPresent } from "./kinds/keyPresent.ts";
import type { Like } from "./kinds/like.ts";
import type { NotEq } from "./kinds/notEq.ts";
import type { NotIn } from "./kinds/notIn.ts";
import type { Regex } from "./kinds/regex.ts";

/** The query types that test one key of the metadata. */
export type KeyQuery = Eq | NotEq | Comparison | In | NotIn | Contains | Like | Regex | KeyPresent;

/** The query that every run matches. */
export const ALL: All = { op: "all" };

/** Shortest uid prefix a PartialUID accepts (databroker's rule). */
export const MIN_UID_PREFIX = 5;
