// A Query -> an SQL condition over the `runs` table (JSON1 on start and stop, EXISTS over run_descriptors,
// FTS5 on run_text, the `regexp` function, uncorrelated IN over the annotation tables), values bound,
// answering as queries/matches.ts does. Indexed keys (time, scan_id, uid, plan_name) compile to their indexed
// forms; under a NOT every leaf is 0 or 1, never NULL. Each kind's SQL is in sqliteTranslations.ts; this is
// the context those translations use.
import { ValidationError } from "../../errors.ts";
import { isTagsKey } from "../../queries/annotationKeys.ts";
import { distinctStatOf, notIndexedError, numbersRead } from "../../queries/dataKey.ts";
import {
  ambiguousPrefixMessage,
  duplicatedScanIdsMessage,
  MAX_LISTED_UIDS,
  type ScanSelection,
  walkScoped,
} from "../../queries/duplicateRules.ts";
import { parseKey, parseQueryKey } from "../../queries/keyPath.ts";
import type { Query, QueryKey, QueryValue } from "../../queries/Query.ts";
import { type DataQuery, readsIndexedRange, statsRowCondition, unindexedCheck } from "../dataConditions.ts";
import { sqliteBinder, sqliteTranslations } from "./sqliteTranslations.ts";

/** A query's own failure condition, checked before it runs (duplicates "error", ambiguous uid prefixes). */
export interface QueryCheck {
  sql: string;
  params: unknown[];
  /** The error for the rows the check found (none: the query may run). */
  failure(rows: unknown[]): Error | undefined;
}

export interface CompiledQuery {
  /** A condition on the `runs` table. */
  sql: string;
  params: unknown[];
  checks: QueryCheck[];
}

/** The column and JSON path of a start or stop key: `stop.exit_status` -> stop, `$."exit_status"`. */
export function jsonLocation(key: QueryKey): { column: "start" | "stop"; path: string } {
  const { document, segments } = parseKey(key);
  return { column: document, path: jsonPath(segments) };
}

function jsonPath(segments: string[]): string {
  return `$${segments.map((segment) => `."${segment}"`).join("")}`;
}

/** An SQL string literal (keys reach SQL text only this way; values are always bound). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Where a key's value is read in SQL: its JSON type and its value (JSON text for arrays and objects). */
export interface Accessor {
  /** The JSON document expression (for json_each). */
  document: string;
  path: string;
  type: string;
  value: string;
}

function accessor(document: string, segments: string[]): Accessor {
  const path = literal(jsonPath(segments));
  return {
    document,
    path,
    type: `json_type(${document}, ${path})`,
    value: `json_extract(${document}, ${path})`,
  };
}

/** Start keys copied into indexed columns of `runs`, with the JSON type the column holds. */
const COLUMNS: Record<string, { column: string; holds: "number" | "string" }> = {
  time: { column: "time", holds: "number" },
  scan_id: { column: "scan_id", holds: "number" },
  uid: { column: "uid", holds: "string" },
};

/** The smallest string above every string starting with `prefix` (code point order), when there is one. */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()?.codePointAt(0);
  if (last === undefined || last === 0x10ffff) return undefined;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return points.join("") + String.fromCodePoint(next);
}

export class Compiler {
  readonly params: unknown[] = [];
  readonly checks: QueryCheck[] = [];
  /** The reader tokens whose annotations `annotations.` keys reach (undefined: every annotation). */
  readonly readers: readonly string[] | undefined;
  /** Whether a tag is on many annotations (see tagMembership); none: every tag is taken for a rare one. */
  readonly isCommonTag: ((tag: string) => boolean) | undefined;
  /** Whether the rows of stream_stats meeting an SQL condition are many (see hasManyStatsRows). */
  readonly hasManyRows: ((where: string, params: unknown[]) => boolean) | undefined;
  private aliases = 0;

  constructor(
    private readonly parent?: Compiler,
    options: AnnotationSearch = {},
  ) {
    this.readers = parent ? parent.readers : options.readers;
    this.isCommonTag = parent ? parent.isCommonTag : options.isCommonTag;
    this.hasManyRows = parent ? parent.hasManyRows : options.hasManyStatsRows;
  }

  /**
   * Whether a data query's rows are many, so its runs are probed one by one in the order searched rather
   * than listed: a bounded probe of its index range when it reads one, else many (the probe would read the
   * field's every row). Without a probe (no store), every query is taken for a rare one.
   */
  hasManyStatsRows(query: DataQuery): boolean {
    if (!readsIndexedRange(query)) return true;
    if (!this.hasManyRows) return false;
    const probe = new Compiler();
    return this.hasManyRows(statsRowCondition(query, sqliteBinder(probe)), probe.params);
  }

  bind(value: unknown): string {
    this.params.push(value);
    return "?";
  }

  alias(prefix: string): string {
    if (this.parent) return this.parent.alias(prefix);
    return `${prefix}${++this.aliases}`;
  }

  equals(at: Accessor, value: QueryValue): string {
    if (value === null) return `${at.type} = 'null'`;
    if (typeof value === "boolean") return `${at.type} = '${value ? "true" : "false"}'`;
    if (typeof value === "number")
      return `(${at.type} IN ('integer', 'real') AND ${at.value} = ${this.bind(value)})`;
    if (typeof value === "string") return `(${at.type} = 'text' AND ${at.value} = ${this.bind(value)})`;
    return `(${at.type} IN ('array', 'object') AND ${at.value} = ${this.bind(JSON.stringify(value))})`;
  }

  /** Membership as few index-friendly terms: strings and numbers each as one IN list. */
  oneOf(at: Accessor, values: QueryValue[]): string {
    const strings = values.filter((value) => typeof value === "string");
    const numbers = values.filter((value) => typeof value === "number");
    const terms: string[] = [];
    const list = (items: QueryValue[]) => items.map((item) => this.bind(item)).join(", ");
    if (strings.length > 0) terms.push(`(${at.type} = 'text' AND ${at.value} IN (${list(strings)}))`);
    if (numbers.length > 0)
      terms.push(`(${at.type} IN ('integer', 'real') AND ${at.value} IN (${list(numbers)}))`);
    for (const value of values)
      if (typeof value !== "string" && typeof value !== "number") terms.push(this.equals(at, value));
    return terms.length === 0 ? "0" : terms.length === 1 ? terms[0] : `(${terms.join(" OR ")})`;
  }

  /**
   * A condition on the value at `key` of each run of `table`: `onDocument` on the JSON of start, stop or each
   * descriptor; `onColumn`, when given, on the indexed column a start key is copied into (undefined: the
   * query's value does not fit the column, so the JSON form is used).
   */
  keyCondition(
    key: QueryKey,
    table: string,
    onDocument: (at: Accessor) => string,
    onColumn?: (column: string, fits: (value: QueryValue) => boolean) => string | undefined,
  ): string {
    const { document, segments } = parseQueryKey(key);
    if (document === "annotations") return this.annotationMembership(table, segments, onDocument);
    if (document !== "descriptors") {
      const mapped =
        onColumn && document === "start" && segments.length === 1 ? COLUMNS[segments[0]] : undefined;
      const column =
        mapped &&
        onColumn?.(
          `${table}.${mapped.column}`,
          (value) => typeof value === (mapped.holds === "number" ? "number" : "string"),
        );
      return column || onDocument(accessor(`${table}.${document}`, segments));
    }
    const descriptor = this.alias("d");
    const condition = onDocument(accessor(`${descriptor}.descriptor`, segments));
    return `EXISTS (SELECT 1 FROM run_descriptors AS ${descriptor} WHERE ${descriptor}.run = ${table}.uid AND ${condition})`;
  }

  /**
   * Whether annotation `id` (an SQL expression) is read by one of the search's readers: a primary-key probe of
   * annotation_readers; "1" when the search reads every annotation.
   */
  readable(id: string): string {
    if (this.readers === undefined) return "1";
    const reader = this.alias("r");
    return `EXISTS (SELECT 1 FROM annotation_readers AS ${reader} WHERE ${reader}.annotation = ${id} AND ${this.readerIn(`${reader}.reader`)})`;
  }

  /** Whether the reader token in `column` is one of the search's readers ("1" when it reads every one). */
  readerIn(column: string): string {
    if (this.readers === undefined) return "1";
    if (this.readers.length === 0) return "0";
    return `${column} IN (${this.readers.map((token) => this.bind(token)).join(", ")})`;
  }

  /**
   * Runs with a live annotation the readers read on which `onDocument` holds, as an uncorrelated membership
   * test: SQLite evaluates the subquery once (a set of run uids), not once per run.
   */
  private annotationMembership(
    table: string,
    segments: string[],
    onDocument: (at: Accessor) => string,
  ): string {
    const annotation = this.alias("a");
    // Bound in the order the SQL reads them: the condition's values, then the readers' tokens. The condition
    // comes first: reading JSONB costs less than the readers' index probe, which then runs on matches only.
    const condition = onDocument(accessor(`${annotation}.searchable`, segments));
    const readable = this.readable(`${annotation}.id`);
    return `${table}.uid IN (SELECT ${annotation}.run FROM annotations AS ${annotation} WHERE ${annotation}.deleted = 0 AND ${condition} AND ${readable})`;
  }

  /**
   * Runs with a live annotation the readers read that carries `tag` (`tags contains "x"`), from annotation_tags
   * alone. A rare tag: its runs listed once from its range of the primary key (an uncorrelated IN). A common
   * one: a probe of (tag, run) for each run in the order searched, so a page of the newest 100 stops after
   * about 100 / (its share of the runs) probes instead of listing and sorting every run carrying it; SQLite's
   * planner cannot tell the two apart (its statistics give every tag the average count), hence the choice here.
   */
  tagMembership(table: string, tag: string): string {
    const row = this.alias("t");
    const common = this.isCommonTag?.(tag) ?? false;
    const match = `${row}.tag = ${this.bind(tag)}`;
    const readable = this.readerIn(`${row}.reader`);
    if (common)
      return `EXISTS (SELECT 1 FROM annotation_tags AS ${row} WHERE ${match} AND ${row}.run = ${table}.uid AND ${readable})`;
    return `${table}.uid IN (SELECT ${row}.run FROM annotation_tags AS ${row} WHERE ${match} AND ${readable})`;
  }

  scanMembership(query: ScanSelection, table: string): string {
    if (query.op === "scanId")
      return `${table}.scan_id IN (${query.scanIds.map((id) => this.bind(id)).join(", ")})`;
    return `(${table}.scan_id >= ${this.bind(query.startId)} AND ${table}.scan_id < ${this.bind(query.endId)})`;
  }

  /** The scope's conditions on `table` (duplicate rules are off in scopes, so they compile plainly). */
  scopeCondition(scope: readonly Query[], table: string): string {
    return scope.length === 0 ? "1" : scope.map((part) => this.compile(part, table, [], false)).join(" AND ");
  }

  prefixCondition(prefix: string, table: string): string {
    const upper = prefixUpperBound(prefix);
    if (upper === undefined)
      return `substr(${table}.uid, 1, ${this.bind([...prefix].length)}) = ${this.bind(prefix)}`;
    return `(${table}.uid >= ${this.bind(prefix)} AND ${table}.uid < ${this.bind(upper)})`;
  }

  /** The SQL of `query` on rows of `table`; `negated` when under a NOT (leaves must not be NULL there). */
  compile(query: Query, table: string, scope: readonly Query[], negated: boolean): string {
    return sqliteTranslations.translate(query, { compiler: this, table, scope, negated });
  }

  /** The checks of duplicates "error" and of partial uids, each within its scope. */
  collectChecks(query: Query): void {
    walkScoped(query, (node, scope) => {
      if ((node.op === "scanId" || node.op === "scanIdRange") && node.duplicates === "error") {
        const check = new Compiler(this);
        const table = check.alias("c");
        const sql =
          `SELECT ${table}.scan_id FROM runs AS ${table} WHERE ${check.scanMembership(node, table)} AND ` +
          `${check.scopeCondition(scope, table)} GROUP BY ${table}.scan_id HAVING COUNT(*) > 1 ORDER BY ${table}.scan_id`;
        this.checks.push({
          sql,
          params: check.params,
          failure: (rows) =>
            rows.length > 0 ? new ValidationError(duplicatedScanIdsMessage(rows as number[])) : undefined,
        });
      } else if (node.op === "partialUid") {
        for (const prefix of node.prefixes) {
          const check = new Compiler(this);
          const table = check.alias("c");
          const sql =
            `SELECT ${table}.uid FROM runs AS ${table} WHERE ${check.prefixCondition(prefix, table)} AND ` +
            `${check.scopeCondition(scope, table)} ORDER BY ${table}.uid LIMIT ${MAX_LISTED_UIDS + 1}`;
          this.checks.push({
            sql,
            params: check.params,
            failure: (rows) =>
              rows.length > 1
                ? new ValidationError(ambiguousPrefixMessage(prefix, rows as string[]))
                : undefined,
          });
        }
      } else {
        const read = numbersRead(node);
        if (!read) return;
        const check = new Compiler(this);
        this.checks.push({
          sql: unindexedCheck(sqliteBinder(check), read.stream, read.field),
          params: check.params,
          failure: (rows) => (rows.length > 0 ? notIndexedError(read.stream, read.field) : undefined),
        });
      }
    });
  }
}

/** What a search of annotations compiles with: whose annotations it reads, how common a tag is. */
export interface AnnotationSearch {
  /** Whose annotations `annotations.` and `tags` keys reach (SearchOptions.readers; undefined: every one). */
  readers?: readonly string[];
  /** Whether `tag` is on at least COMMON_TAG_ROWS rows of annotation_tags (COMMON_TAG_PROBE answers it). */
  isCommonTag?: (tag: string) => boolean;
  /** Whether at least MANY_STATS_ROWS rows of stream_stats meet a condition (manyStatsRowsProbe answers it). */
  hasManyStatsRows?: (where: string, params: unknown[]) => boolean;
}

/**
 * Rows of annotation_tags from which a tag searches as a common one (Compiler.tagMembership). Listing a tag's
 * rows costs about their number; probing costs about 100 x runs / rows for a page of 100: at 1,000 rows the
 * probes stay under a tenth of the runs, a few milliseconds for 100,000 runs.
 */
export const COMMON_TAG_ROWS = 1_000;
/** Counts a tag's rows up to a limit (bind the tag and COMMON_TAG_ROWS): a bounded read, whatever the tag. */
export const COMMON_TAG_PROBE = "SELECT COUNT(*) FROM (SELECT 1 FROM annotation_tags WHERE tag = ? LIMIT ?)";

/**
 * Rows of stream_stats from which a data query's runs are probed run by run rather than listed and sorted.
 * A page of 100 costs about 100 x runs / rows probes, or `rows` lookups listed: even near sqrt(100 x runs),
 * 3,000 rows for 100,000 runs.
 */
export const MANY_STATS_ROWS = 3_000;
/** Counts the rows meeting `where` up to MANY_STATS_ROWS: a bounded read of one index range. */
export const manyStatsRowsProbe = (where: string): string =>
  `SELECT COUNT(*) FROM (SELECT 1 FROM stream_stats WHERE ${where} LIMIT ${MANY_STATS_ROWS})`;

/** The query as a condition on the rows of `runs` (named `table` in the SQL around it). */
export function compileQuery(
  query: Query,
  options: AnnotationSearch & { table?: string } = {},
): CompiledQuery {
  const table = options.table ?? "runs";
  const compiler = new Compiler(undefined, options);
  compiler.collectChecks(query);
  const sql = compiler.compile(query, table, [], false);
  return { sql, params: compiler.params, checks: compiler.checks };
}

/** The SQL of a JSON value's kind as distinct rows name it (numbers are one kind). */
function kindOf(type: string): string {
  return `CASE ${type} WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' ELSE ${type} END`;
}

/**
 * The distinct values of an annotation key over the runs matching `where`, counting runs, among the live
 * annotations `readers` read: `tags` from annotation_tags (each tag, not each list), others from the JSON.
 */
function compileAnnotationDistinct(
  key: QueryKey,
  segments: string[],
  where: CompiledQuery,
  readers: readonly string[] | undefined,
): { sql: string; params: unknown[] } {
  // Its own compiler for the readers' tokens, which the SQL reads before the `where` condition's values.
  const compiler = new Compiler(undefined, { readers });
  if (isTagsKey(key)) {
    const readable = compiler.readerIn("t.reader");
    return {
      sql:
        "SELECT 'text' AS kind, t.tag AS value, COUNT(DISTINCT t.run) AS count FROM annotation_tags AS t " +
        `JOIN runs ON runs.uid = t.run WHERE ${readable} AND ${where.sql} GROUP BY t.tag`,
      params: [...compiler.params, ...where.params],
    };
  }
  const at = accessor("a.searchable", segments);
  const readable = compiler.readable("a.id");
  return {
    sql:
      `SELECT ${kindOf(at.type)} AS kind, ${at.value} AS value, COUNT(DISTINCT a.run) AS count ` +
      `FROM annotations AS a JOIN runs ON runs.uid = a.run WHERE a.deleted = 0 AND ${readable} AND ` +
      `${at.type} IS NOT NULL AND ${where.sql} GROUP BY kind, value`,
    params: [...compiler.params, ...where.params],
  };
}

/**
 * The distinct values of `key` over the runs matching `where` (rows: JSON kind, value, runs); `readers`: whose
 * annotations an `annotations.` key reaches.
 */
export function compileDistinct(
  key: QueryKey,
  where: CompiledQuery,
  readers?: readonly string[],
): { sql: string; params: unknown[] } {
  const stat = distinctStatOf(key);
  if (stat) {
    // A number's kind is 'number' and ±Infinity is null, as JSON has them; a shape is JSON text.
    const kind = `CASE WHEN st.${stat.stat} IS NULL THEN NULL WHEN ${stat.stat === "shape" ? "1" : `abs(st.${stat.stat}) = 9e999`} THEN '${stat.stat === "shape" ? "array" : "null"}' ELSE 'number' END`;
    return {
      sql:
        `SELECT ${kind} AS kind, st.${stat.stat} AS value, COUNT(*) AS count FROM stream_stats AS st ` +
        `JOIN runs ON runs.uid = st.run WHERE st.stream = ? AND st.field = ? AND st.${stat.stat} IS NOT NULL ` +
        `AND ${where.sql} GROUP BY kind, value`,
      params: [stat.stream, stat.field, ...where.params],
    };
  }
  const { document, segments } = parseQueryKey(key);
  if (document === "annotations") return compileAnnotationDistinct(key, segments, where, readers);
  if (document !== "descriptors") {
    const at = accessor(`runs.${document}`, segments);
    return {
      sql:
        `SELECT ${kindOf(at.type)} AS kind, ${at.value} AS value, COUNT(*) AS count FROM runs ` +
        `WHERE ${at.type} IS NOT NULL AND ${where.sql} GROUP BY kind, value`,
      params: where.params,
    };
  }
  const at = accessor("d.descriptor", segments);
  return {
    sql:
      `SELECT ${kindOf(at.type)} AS kind, ${at.value} AS value, COUNT(DISTINCT d.run) AS count ` +
      `FROM run_descriptors AS d JOIN runs ON runs.uid = d.run WHERE ${at.type} IS NOT NULL AND ${where.sql} ` +
      "GROUP BY kind, value",
    params: where.params,
  };
}

/** A distinct row's value as JSON: the kind says how to read SQLite's value. */
export function distinctValueOf(kind: string, value: unknown): QueryValue {
  switch (kind) {
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "array":
    case "object":
      return JSON.parse(value as string);
    default:
      return value as QueryValue;
  }
}
