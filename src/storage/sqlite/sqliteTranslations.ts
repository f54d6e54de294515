// Each query kind as an SQLite condition on a row of `runs` (see compileQuery.ts for the compiler these
// translations call). The table is typed over every built-in kind, so a kind without SQLite SQL fails to
// compile; kinds registered at run time add theirs with `sqliteTranslations.register`.
import { isTagsKey } from "../../queries/annotationKeys.ts";
import { partScopes } from "../../queries/duplicateRules.ts";
import { wordsOf } from "../../queries/fullText.ts";
import { TranslationTable } from "../../queries/kinds/TranslationTable.ts";
import { likeGlob } from "../../queries/likePattern.ts";
import type { KeyQuery, Query, QueryValue, ScanID, ScanIDRange } from "../../queries/Query.ts";
import { trigramsOf } from "../../queries/trigrams.ts";
import { type DataQuery, type StatsBinder, statsMembership, statsRowCondition } from "../dataConditions.ts";
import { closeWordsSql, splitFuzzyWords } from "../fuzzyVocabulary.ts";
import type { Accessor, Compiler } from "./compileQuery.ts";

/** Where a query node is compiled: the compiler (parameters, aliases), the runs table, its scope, NOT. */
export interface SqliteNode {
  readonly compiler: Compiler;
  readonly table: string;
  /** The queries its duplicate rules resolve within. */
  readonly scope: readonly Query[];
  /** Under a NOT: leaves must be 0 or 1, never NULL. */
  readonly negated: boolean;
}

/** A leaf condition, made 0 or 1 under a NOT so NOT keeps its in-memory meaning. */
export function leaf(node: SqliteNode, sql: string): string {
  return node.negated ? `IFNULL(${sql}, 0)` : sql;
}

/** A key query with its condition on one JSON value (and on an indexed column, when it has one). */
export function keyLeaf(
  node: SqliteNode,
  query: KeyQuery | { key: string },
  onDocument: (at: Accessor) => string,
  onColumn?: (column: string, fits: (value: QueryValue) => boolean) => string | undefined,
): string {
  return leaf(node, node.compiler.keyCondition(query.key, node.table, onDocument, onColumn));
}

const OPERATORS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

/** A data query's runs, listed or probed run by run as the rows that meet it are few or many. */
function dataLeaf(query: DataQuery, { compiler, table }: SqliteNode): string {
  const perRun = compiler.hasManyStatsRows(query);
  return statsMembership(`${table}.uid`, statsRowCondition(query, sqliteBinder(compiler)), perRun);
}

/** Binds data-query values; shapes are compared as the JSON text stream_stats keeps. */
export function sqliteBinder(compiler: Compiler): StatsBinder {
  return {
    text: (value) => compiler.bind(value),
    number: (value) => compiler.bind(value),
    shape: (value) => compiler.bind(JSON.stringify(value)),
  };
}

/** Words as FTS5 phrases joined by `glue` (words are letters and digits: no quote to escape). */
function phrases(words: string[], glue: string): string {
  return words.map((word) => `"${word}"`).join(glue);
}

/** The runs whose run_text row matches the FTS5 query `match` (an SQL expression): never NULL. */
function runsMatching(node: SqliteNode, match: string): string {
  return `${node.table}.uid IN (SELECT uid FROM run_text WHERE run_text MATCH ${match})`;
}

function scanSelection(query: ScanID | ScanIDRange, node: SqliteNode): string {
  const { compiler, table } = node;
  const member = compiler.scanMembership(query, table);
  if (query.duplicates !== "latest") return leaf(node, member);
  const newer = compiler.alias("s");
  const inScope = compiler.scopeCondition(node.scope, newer);
  return leaf(
    node,
    `(${member} AND NOT EXISTS (SELECT 1 FROM runs AS ${newer} WHERE ${newer}.scan_id = ${table}.scan_id AND ` +
      `(${newer}.time > ${table}.time OR (${newer}.time IS ${table}.time AND ${newer}.uid < ${table}.uid)) AND ${inScope}))`,
  );
}

export const sqliteTranslations = new TranslationTable<SqliteNode, string>("SQLite compiler", {
  all: () => "1",
  eq: (query, node) =>
    keyLeaf(
      node,
      query,
      (at) => node.compiler.equals(at, query.value),
      (column, fits) => (fits(query.value) ? `${column} = ${node.compiler.bind(query.value)}` : undefined),
    ),
  notEq: (query, node) =>
    keyLeaf(node, query, (at) => `(${at.type} IS NOT NULL AND NOT ${node.compiler.equals(at, query.value)})`),
  comparison: (query, node) =>
    keyLeaf(
      node,
      query,
      (at) => {
        const type = typeof query.value === "number" ? "IN ('integer', 'real')" : "= 'text'";
        return `(${at.type} ${type} AND ${at.value} ${OPERATORS[query.operator]} ${node.compiler.bind(query.value)})`;
      },
      (column, fits) =>
        fits(query.value)
          ? `${column} ${OPERATORS[query.operator]} ${node.compiler.bind(query.value)}`
          : undefined,
    ),
  in: (query, node) =>
    keyLeaf(
      node,
      query,
      (at) => node.compiler.oneOf(at, query.values),
      (column, fits) =>
        query.values.length > 0 && query.values.every(fits)
          ? `${column} IN (${query.values.map((value) => node.compiler.bind(value)).join(", ")})`
          : undefined,
    ),
  notIn: (query, node) =>
    keyLeaf(node, query, (at) => `(${at.type} IS NOT NULL AND NOT ${node.compiler.oneOf(at, query.values)})`),
  contains: (query, node) => {
    // A tag of the annotations: its rows of annotation_tags (tags are strings, so other values take the
    // general path, which finds nothing).
    if (isTagsKey(query.key) && typeof query.value === "string")
      return leaf(node, node.compiler.tagMembership(node.table, query.value));
    return keyLeaf(node, query, (at) => {
      const element = node.compiler.alias("e");
      const inArray = node.compiler.equals(
        { document: "", path: "", type: `${element}.type`, value: `${element}.value` },
        query.value,
      );
      const member = `(${at.type} = 'array' AND EXISTS (SELECT 1 FROM json_each(${at.document}, ${at.path}) AS ${element} WHERE ${inArray}))`;
      if (typeof query.value !== "string") return member;
      return `(${member} OR (${at.type} = 'text' AND instr(${at.value}, ${node.compiler.bind(query.value)}) > 0))`;
    });
  },
  like: (query, node) =>
    keyLeaf(
      node,
      query,
      (at) => `(${at.type} = 'text' AND ${at.value} GLOB ${node.compiler.bind(likeGlob(query.pattern))})`,
    ),
  regex: (query, node) =>
    keyLeaf(
      node,
      query,
      (at) =>
        `(${at.type} = 'text' AND regexp(${node.compiler.bind(query.pattern)}, ${at.value}, ${node.compiler.bind(query.caseSensitive === false ? "i" : "")}))`,
    ),
  keyPresent: (query, node) => {
    const present = node.compiler.keyCondition(query.key, node.table, (at) => `${at.type} IS NOT NULL`);
    return leaf(node, query.exists === false ? `(NOT ${present})` : present);
  },
  fullText: (query, node) => runsMatching(node, node.compiler.bind(phrases(wordsOf(query.text), " "))),
  // Each spelled word: its close vocabulary words as one FTS5 `OR` (`""`, which matches nothing, when none
  // is close); words with digits exactly, as full text.
  fuzzy: (query, node) => {
    const { compiler } = node;
    const { spelled, exact } = splitFuzzyWords(query.text);
    const conditions = spelled.map((word) => {
      const trigrams = `IN (${trigramsOf(word)
        .map((trigram) => compiler.bind(trigram))
        .join(", ")})`;
      return runsMatching(
        node,
        `(SELECT COALESCE(group_concat('"' || word || '"', ' OR '), '""') FROM (${closeWordsSql(word, trigrams)}))`,
      );
    });
    if (exact.length > 0) conditions.push(runsMatching(node, compiler.bind(phrases(exact, " "))));
    return `(${conditions.join(" AND ")})`;
  },
  timeRange: (query, { compiler, table }) => {
    const ends = [`${table}.time IS NOT NULL`];
    if (query.since !== undefined) ends.push(`${table}.time >= ${compiler.bind(query.since)}`);
    if (query.until !== undefined) ends.push(`${table}.time < ${compiler.bind(query.until)}`);
    return `(${ends.join(" AND ")})`;
  },
  scanId: scanSelection,
  scanIdRange: scanSelection,
  partialUid: (query, { compiler, table }) =>
    `(${query.prefixes.map((prefix) => compiler.prefixCondition(prefix, table)).join(" OR ")})`,
  // An input element of the record's list with this uid (json_each walks the list; never NULL under NOT).
  derivedFrom: (query, { compiler, table }) => {
    const element = compiler.alias("i");
    const inputs = `'$."provenance"."inputs"'`;
    return (
      `(json_type(${table}.start, ${inputs}) = 'array' AND EXISTS (SELECT 1 FROM json_each(${table}.start, ${inputs}) AS ${element} ` +
      `WHERE ${element}.type = 'object' AND json_extract(${element}.value, '$."uid"') = ${compiler.bind(query.uid)}))`
    );
  },
  dataStat: (query, node) => dataLeaf(query, node),
  dataRange: (query, node) => dataLeaf(query, node),
  dataShape: (query, node) => dataLeaf(query, node),
  hasData: (query, node) => dataLeaf(query, node),
  and: (query, { compiler, table, scope, negated }) => {
    if (query.queries.length === 0) return "1";
    const scopes = partScopes(query, scope);
    return `(${query.queries.map((part, index) => compiler.compile(part, table, scopes[index], negated)).join(" AND ")})`;
  },
  or: (query, { compiler, table, scope, negated }) => {
    if (query.queries.length === 0) return "0";
    return `(${query.queries.map((part) => compiler.compile(part, table, scope, negated)).join(" OR ")})`;
  },
  not: (query, { compiler, table, scope }) => `(NOT ${compiler.compile(query.query, table, scope, true)})`,
});
