// Each query kind as a PostgreSQL condition on a runs row (see compileQuery.ts for the compiler these
// translations call and for how NULL and NOT are read). The table is typed over every built-in kind, so a
// kind without PostgreSQL SQL fails to compile; kinds registered at run time add theirs with `register`.
import { UnsupportedError } from "../../errors.ts";
import { isTagsKey } from "../../queries/annotationKeys.ts";
import { partScopes } from "../../queries/duplicateRules.ts";
import { wordsOf } from "../../queries/fullText.ts";
import { TranslationTable } from "../../queries/kinds/TranslationTable.ts";
import type { Query, ScanID, ScanIDRange } from "../../queries/Query.ts";
import { trigramsOf } from "../../queries/trigrams.ts";
import { type DataQuery, type StatsBinder, statsMembership, statsRowCondition } from "../dataConditions.ts";
import { closeWordsSql, splitFuzzyWords } from "../fuzzyVocabulary.ts";
import { taggedRuns } from "./annotationSearch.ts";
import type { QueryCompiler } from "./compileQuery.ts";
import { either } from "./either.ts";
import { numberOf, runTime, stringOf } from "./jsonPaths.ts";
import { postgresRegex } from "./postgresRegex.ts";
import { float8Text } from "./sqlParams.ts";

/** Where a query node is compiled: the compiler (parameters, aliases), the runs row, the node's scope. */
export interface PostgresNode {
  readonly compiler: QueryCompiler;
  readonly alias: string;
  /** The queries its duplicate rules resolve within. */
  readonly scope: readonly Query[];
}

const OPERATORS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

function dataLeaf(query: DataQuery, { compiler, alias }: PostgresNode): string {
  return statsMembership(`${alias}.uid`, statsRowCondition(query, postgresBinder(compiler)), false);
}

/** Binds data-query values with their types (names as text, so the planner uses stream_stats' indexes). */
export function postgresBinder(compiler: QueryCompiler): StatsBinder {
  return {
    text: (value) => compiler.params.bind(value, "text"),
    number: (value) => compiler.params.bind(float8Text(value), "float8"),
    shape: (value) => compiler.params.bind(`{${value.join(",")}}`, "integer[]"),
  };
}

function scanSelection(query: ScanID | ScanIDRange, { compiler, alias, scope }: PostgresNode): string {
  return query.duplicates === "latest"
    ? compiler.latestScans(query, alias, scope)
    : compiler.selectsScan(query, alias);
}

/** Runs whose words hold every one of `words` (letters and digits only: quoting each needs no escaping). */
function allWords(compiler: QueryCompiler, alias: string, words: string[]): string {
  return `(${alias}.words @@ ${compiler.params.bind(words.map((word) => `'${word}'`).join(" & "), "tsquery")})`;
}

/** Past this many values, `in` compares against an array rather than OR-ing one condition per value. */
const LONG_LIST = 8;

export const postgresTranslations = new TranslationTable<PostgresNode, string>("PostgreSQL compiler", {
  all: () => "TRUE",
  eq: (query, { compiler, alias }) =>
    compiler.keyCondition(query.key, alias, (holding) => compiler.equals(holding, query.value)),
  notEq: (query, { compiler, alias }) =>
    compiler.keyCondition(
      query.key,
      alias,
      (holding) =>
        `(${holding.at().jsonb} IS NOT NULL AND ${compiler.equals(holding, query.value)} IS NOT TRUE)`,
    ),
  in: (query, { compiler, alias }) =>
    compiler.keyCondition(query.key, alias, (holding) => {
      // A long list of texts (the beamtimes an access rule lists) as one hashed `= ANY`, not N containments.
      if (
        holding.uid === null &&
        query.values.length > LONG_LIST &&
        query.values.every((one) => typeof one === "string")
      )
        return `(${holding.at().jsonb} = ANY(${compiler.params.bind(
          query.values.map((one) => JSON.stringify(one)),
          "jsonb[]",
        )}))`;
      return either(query.values.map((one) => compiler.equals(holding, one)));
    }),
  notIn: (query, { compiler, alias }) =>
    compiler.keyCondition(query.key, alias, (holding) => {
      const equal = query.values.map((one) => compiler.equals(holding, one));
      return `(${holding.at().jsonb} IS NOT NULL AND ${either(equal)} IS NOT TRUE)`;
    }),
  comparison: (query, { compiler, alias }) =>
    compiler.keyCondition(query.key, alias, ({ at, uid }) => {
      const operator = OPERATORS[query.operator];
      if (!operator)
        throw new UnsupportedError(`unknown comparison operator ${JSON.stringify(query.operator)}`);
      if (typeof query.value === "number")
        return `(${numberOf(at().jsonb)} ${operator} ${compiler.params.bind(query.value, "float8")})`;
      if (typeof query.value === "string") {
        const text = uid ?? `${stringOf(at().jsonb)} COLLATE "C"`;
        return `(${text} ${operator} ${compiler.params.bind(query.value, "text")})`;
      }
      throw new UnsupportedError(`comparison of ${query.key} needs a number or a string`);
    }),
  contains: (query, { compiler, alias }) =>
    // Tags are strings in a list: holding one is a row of the tags' search rows.
    isTagsKey(query.key) && typeof query.value === "string"
      ? taggedRuns(compiler, alias, query.value)
      : compiler.keyCondition(query.key, alias, (holding) => compiler.contains(holding, query.value)),
  like: (query, { compiler, alias }) =>
    compiler.keyCondition(
      query.key,
      alias,
      ({ at }) => `(${stringOf(at().jsonb)} COLLATE "C" LIKE ${compiler.params.bind(query.pattern, "text")})`,
    ),
  regex: (query, { compiler, alias }) =>
    compiler.keyCondition(query.key, alias, ({ at }) => {
      const pattern = compiler.params.bind(postgresRegex(query.pattern), "text");
      const operation = query.caseSensitive
        ? `${stringOf(at().jsonb)} COLLATE "C" ~ ${pattern}`
        : `${stringOf(at().jsonb)} COLLATE "${compiler.caseFolding}" ~* ${pattern}`;
      return `(${operation})`;
    }),
  keyPresent: (query, { compiler, alias }) => {
    const present = compiler.keyCondition(query.key, alias, ({ at }) => `(${at().jsonb} IS NOT NULL)`);
    return query.exists === false ? `(${present} IS NOT TRUE)` : present;
  },
  fullText: (query, { compiler, alias }) => {
    const words = wordsOf(query.text);
    if (words.length === 0) return "TRUE";
    return allWords(compiler, alias, words);
  },
  // Each spelled word: its close vocabulary words as one tsquery `|` (NULL, read as false, when none is
  // close); words with digits exactly, as full text.
  fuzzy: (query, { compiler, alias }) => {
    const { spelled, exact } = splitFuzzyWords(query.text);
    const conditions = spelled.map((word) => {
      const trigrams = `= ANY(${compiler.params.bind(trigramsOf(word), "text[]")})`;
      const close = `SELECT string_agg('''' || word || '''', ' | ') FROM (${closeWordsSql(word, trigrams)}) AS close_words`;
      return `(${alias}.words @@ (${close})::tsquery)`;
    });
    if (exact.length > 0) conditions.push(allWords(compiler, alias, exact));
    return `(${conditions.join(" AND ")})`;
  },
  timeRange: (query, { compiler, alias }) => {
    const time = runTime(alias);
    const bounds = [`${time} IS NOT NULL`];
    if (query.since !== undefined) bounds.push(`${time} >= ${compiler.params.bind(query.since, "float8")}`);
    if (query.until !== undefined) bounds.push(`${time} < ${compiler.params.bind(query.until, "float8")}`);
    return `(${bounds.join(" AND ")})`;
  },
  scanId: scanSelection,
  scanIdRange: scanSelection,
  partialUid: (query, { compiler, alias }) =>
    either(query.prefixes.map((prefix) => compiler.uidPrefix(alias, prefix))),
  // JSONB containment: the record's input list holds an object with this uid (the start's GIN index serves it).
  derivedFrom: (query, { compiler, alias }) =>
    `(${alias}.start @> ${compiler.params.bind(JSON.stringify({ provenance: { inputs: [{ uid: query.uid }] } }), "jsonb")})`,
  // The planner, which keeps statistics of stream_stats, chooses how to join the runs listed.
  dataStat: (query, node) => dataLeaf(query, node),
  dataRange: (query, node) => dataLeaf(query, node),
  dataShape: (query, node) => dataLeaf(query, node),
  hasData: (query, node) => dataLeaf(query, node),
  and: (query, { compiler, alias, scope }) => {
    if (query.queries.length === 0) return "TRUE";
    const scopes = partScopes(query, scope);
    return `(${query.queries.map((part, i) => compiler.condition(part, alias, scopes[i])).join(" AND ")})`;
  },
  or: (query, { compiler, alias, scope }) =>
    either(query.queries.map((part) => compiler.condition(part, alias, scope))),
  not: (query, { compiler, alias, scope }) =>
    `(${compiler.condition(query.query, alias, scope)} IS NOT TRUE)`,
});
