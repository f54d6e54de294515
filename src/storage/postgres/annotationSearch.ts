// `annotations.` and `tags` keys in PostgreSQL searches (migration 4): a condition on the runs row is a
// membership of its uid in the runs of the live annotations the search's readers read (SearchOptions.readers;
// none given: every live annotation) that satisfy the condition, so a query holds when it holds for any one of
// them, as queries/matches.ts reads these keys. `tags contains "x"` reads the tags' search rows instead of
// every annotation's JSON; facets of `tags` count each tag, of other keys each value, in runs.
import type { QueryCompiler } from "./compileQuery.ts";
import { annotationDocument, type JsonSource, valueAt } from "./jsonPaths.ts";

/** Whether the annotation with id `id` (an SQL expression) is read by one of the compiler's readers. */
function readable(compiler: QueryCompiler, id: string): string {
  if (compiler.readers === undefined) return "TRUE";
  const reader = compiler.alias("ar");
  return (
    `EXISTS (SELECT 1 FROM annotation_readers ${reader} WHERE ${reader}.annotation = ${id} ` +
    `AND ${reader}.reader = ANY(${compiler.params.bind(compiler.readers, "text[]")}))`
  );
}

/** Runs (the runs row `alias`) with a readable live annotation for which `holds` of its JSON is true. */
export function annotatedRuns(
  compiler: QueryCompiler,
  alias: string,
  holds: (annotation: JsonSource) => string,
): string {
  const annotation = compiler.alias("a");
  return (
    `(${alias}.uid IN (SELECT ${annotation}.run FROM annotations ${annotation} WHERE NOT ${annotation}.deleted ` +
    `AND ${readable(compiler, `${annotation}.id`)} AND ${holds(annotationDocument(annotation))}))`
  );
}

/** Whether the tag row `alias` (one per tag and reader token) is of one of the compiler's readers. */
function readableTag(compiler: QueryCompiler, alias: string): string {
  if (compiler.readers === undefined) return "TRUE";
  return `${alias}.reader = ANY(${compiler.params.bind(compiler.readers, "text[]")})`;
}

/** Runs with a readable annotation tagged `tag`: a range of the (tag, reader, run) index per reader. */
export function taggedRuns(compiler: QueryCompiler, alias: string, tag: string): string {
  const tags = compiler.alias("t");
  return (
    `(${alias}.uid IN (SELECT ${tags}.run FROM annotation_tags ${tags} ` +
    `WHERE ${tags}.tag = ${compiler.params.bind(tag, "text")} AND ${readableTag(compiler, tags)}))`
  );
}

/**
 * The SQL of distinct values of an annotations key at `segments` over the runs `r` matching `where`, each
 * value as JSON text with how many runs hold it; `tags` (perTag) counts each tag rather than each list.
 */
export function annotationDistinct(
  compiler: QueryCompiler,
  where: string,
  segments: string[],
  perTag: boolean,
): string {
  if (perTag) {
    return `SELECT to_json(t.tag)::text AS value, count(DISTINCT t.run) AS count
      FROM runs r JOIN annotation_tags t ON t.run = r.uid
      WHERE ${where} AND ${readableTag(compiler, "t")} GROUP BY t.tag`;
  }
  const value = valueAt(annotationDocument("a"), segments, compiler.params);
  return `SELECT (${value.json})::text AS value, count(DISTINCT r.uid) AS count
    FROM runs r JOIN annotations a ON a.run = r.uid
    WHERE ${where} AND NOT a.deleted AND ${readable(compiler, "a.id")} AND ${value.json} IS NOT NULL GROUP BY 1`;
}
