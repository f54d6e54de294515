// The SQL of a search (runs, count, distinct) compiled from a Query, exactly as the store runs it: the store
// executes these, and the index tests EXPLAIN them.
import { isTagsKey } from "../../queries/annotationKeys.ts";
import { distinctStatOf } from "../../queries/dataKey.ts";
import { parseQueryKey } from "../../queries/keyPath.ts";
import type { Query, QueryKey } from "../../queries/Query.ts";
import { fieldListingSql } from "../fieldStatsSql.ts";
import type { StoreRunsOptions } from "../Store.ts";
import { annotationDistinct } from "./annotationSearch.ts";
import { type CompileOptions, QueryCompiler } from "./compileQuery.ts";
import { descriptorDocument, runDocument, valueAt } from "./jsonPaths.ts";
import { orderBy } from "./sortOrder.ts";
import { SqlParams } from "./sqlParams.ts";

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** The uids of the matching runs, sorted and paged. */
export function runsStatement(
  query: Query,
  options: StoreRunsOptions,
  compile: CompileOptions,
): SqlStatement {
  const params = new SqlParams();
  const where = new QueryCompiler(params, compile).condition(query, "r");
  const order = orderBy("r", options.sort, params);
  const limit = params.bind(options.limit ?? null, "bigint");
  const offset = params.bind(options.offset ?? 0, "bigint");
  return {
    text: `SELECT r.uid FROM runs r WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    values: params.values,
  };
}

export function countStatement(query: Query, compile: CompileOptions): SqlStatement {
  const params = new SqlParams();
  const where = new QueryCompiler(params, compile).condition(query, "r");
  return { text: `SELECT count(*) AS n FROM runs r WHERE ${where}`, values: params.values };
}

/**
 * Each distinct value of `key` as exact JSON text (grouped as Eq compares) with the number of matching runs
 * holding it: a run counts once even when several of its descriptors (or annotations) hold the value.
 */
export function distinctStatement(key: QueryKey, query: Query, compile: CompileOptions): SqlStatement {
  const params = new SqlParams();
  const compiler = new QueryCompiler(params, compile);
  const where = compiler.condition(query, "r");
  const stat = distinctStatOf(key);
  if (stat) {
    // As JSON text: ±Infinity (which JSON lacks) as null, a shape as a list.
    const column = `st.${stat.stat}`;
    const value =
      stat.stat === "min" || stat.stat === "max"
        ? `CASE WHEN ${column} IN ('Infinity', '-Infinity') THEN 'null' ELSE to_json(${column})::text END`
        : `to_json(${column})::text`;
    return {
      text: `SELECT ${value} AS value, count(*) AS count FROM stream_stats st JOIN runs r ON r.uid = st.run
        WHERE st.stream = ${params.bind(stat.stream, "text")} AND st.field = ${params.bind(stat.field, "text")}
          AND ${column} IS NOT NULL AND ${where} GROUP BY 1`,
      values: params.values,
    };
  }
  const { document, segments } = parseQueryKey(key);
  if (document === "annotations")
    return { text: annotationDistinct(compiler, where, segments, isTagsKey(key)), values: params.values };
  if (document === "descriptors") {
    const value = valueAt(descriptorDocument("d"), segments, params);
    return {
      text: `SELECT (${value.json})::text AS value, count(DISTINCT r.uid) AS count
        FROM runs r JOIN descriptors d ON d.run = r.uid WHERE ${where} AND ${value.json} IS NOT NULL GROUP BY 1`,
      values: params.values,
    };
  }
  const value = valueAt(runDocument("r", document), segments, params);
  return {
    text: `SELECT (${value.json})::text AS value, count(*) AS count FROM runs r
      WHERE ${where} AND ${value.json} IS NOT NULL GROUP BY 1`,
    values: params.values,
  };
}

/** The streams and fields of the matching runs (fieldStatsSql.ts). */
export function fieldsStatement(query: Query, compile: CompileOptions): SqlStatement {
  const params = new SqlParams();
  const where = new QueryCompiler(params, compile).condition(query, "r");
  return { text: fieldListingSql(`SELECT r.uid FROM runs r WHERE ${where}`), values: params.values };
}
