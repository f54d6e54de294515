// A Query -> a PostgreSQL condition on a runs row, with the answers of queries/matches.ts on the JSON view.
// Scalar equality is JSONB containment (`start @> $1`, GIN-indexed, and exact for scalars: containment only
// looks inside arrays when the query's own value is an array); arrays and objects compare as exact JSON text
// (JSONB would ignore key order), behind the same containment as an index prefilter. Comparisons, time ranges
// and scan_ids use the typed expressions the migration indexes. A condition may be NULL where a value is absent,
// which WHERE, AND and OR read as false; NOT is written `IS NOT TRUE`, so it reads NULL as false too and keeps
// the in-memory meaning (conditions stay bare, so the planner can match them to indexes). Values are always
// bound parameters.
import { UnsupportedError } from "../../errors.ts";
import { partScopes } from "../../queries/duplicateRules.ts";
import { wordsOf } from "../../queries/fullText.ts";
import { parseQueryKey } from "../../queries/keyPath.ts";
import type { KeyQuery, Query, QueryValue, ScanID, ScanIDRange } from "../../queries/Query.ts";
import {
  descriptorDocument,
  type JsonSource,
  type JsonValue,
  nested,
  numberOf,
  runDocument,
  runScanId,
  runTime,
  stringOf,
  valueAt,
} from "./jsonPaths.ts";
import { postgresRegex } from "./postgresRegex.ts";
import { prefixRange } from "./prefixRange.ts";
import type { SqlParams } from "./sqlParams.ts";

const OPERATORS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

/** Collations: text compares by code point ("C"); case-insensitive regexes fold case by Unicode (ICU). */
export interface CompileOptions {
  /** The collation case-insensitive regexes run under (default: ICU's root collation). */
  caseFolding?: string;
}

export const ICU_ROOT = "und-x-icu";

function isScalar(value: QueryValue): value is null | boolean | number | string {
  return value === null || typeof value !== "object";
}

function either(conditions: string[]): string {
  return conditions.length === 0 ? "FALSE" : `(${conditions.join(" OR ")})`;
}

/** Compiles queries over one statement's parameters; aliases of nested subqueries are numbered. */
export class QueryCompiler {
  private aliases = 0;
  private readonly caseFolding: string;

  constructor(
    readonly params: SqlParams,
    options: CompileOptions = {},
  ) {
    this.caseFolding = options.caseFolding ?? ICU_ROOT;
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }

  /** The condition `query` sets on the runs row `alias`; `scope` is what duplicate rules resolve within. */
  condition(query: Query, alias: string, scope: readonly Query[] = []): string {
    switch (query.op) {
      case "all":
        return "TRUE";
      case "eq":
      case "notEq":
      case "comparison":
      case "in":
      case "notIn":
      case "contains":
      case "like":
      case "regex":
      case "keyPresent":
        return this.keyCondition(query, alias);
      case "fullText": {
        const words = wordsOf(query.text);
        if (words.length === 0) return "TRUE";
        // Words are letters and digits only, so quoting each as a lexeme needs no escaping.
        return `(${alias}.words @@ ${this.params.bind(words.map((word) => `'${word}'`).join(" & "), "tsquery")})`;
      }
      case "timeRange": {
        const time = runTime(alias);
        const bounds = [`${time} IS NOT NULL`];
        if (query.since !== undefined) bounds.push(`${time} >= ${this.params.bind(query.since, "float8")}`);
        if (query.until !== undefined) bounds.push(`${time} < ${this.params.bind(query.until, "float8")}`);
        return `(${bounds.join(" AND ")})`;
      }
      case "scanId":
      case "scanIdRange":
        return query.duplicates === "latest"
          ? this.latestScans(query, alias, scope)
          : this.selectsScan(query, alias);
      case "partialUid":
        return either(query.prefixes.map((prefix) => this.uidPrefix(alias, prefix)));
      case "and": {
        if (query.queries.length === 0) return "TRUE";
        const scopes = partScopes(query, scope);
        return `(${query.queries.map((part, i) => this.condition(part, alias, scopes[i])).join(" AND ")})`;
      }
      case "or":
        return either(query.queries.map((part) => this.condition(part, alias, scope)));
      case "not":
        return `(${this.condition(query.query, alias, scope)} IS NOT TRUE)`;
      default:
        throw new UnsupportedError(`unknown query operator ${JSON.stringify((query as { op: unknown }).op)}`);
    }
  }

  /** Runs whose uid starts with `prefix`: a range of the uid index. */
  uidPrefix(alias: string, prefix: string): string {
    const range = prefixRange(prefix);
    const from = `${alias}.uid >= ${this.params.bind(range.from, "text")}`;
    if (range.to === undefined)
      return `(${from} AND starts_with(${alias}.uid, ${this.params.bind(prefix, "text")}))`;
    return `(${from} AND ${alias}.uid < ${this.params.bind(range.to, "text")})`;
  }

  /** The runs a ScanID / ScanIDRange names, duplicates aside. */
  selectsScan(query: ScanID | ScanIDRange, alias: string): string {
    const scanId = runScanId(alias);
    if (query.op === "scanId") return `(${scanId} = ANY(${this.params.bind(query.scanIds, "float8[]")}))`;
    const from = this.params.bind(query.startId, "float8");
    return `(${scanId} >= ${from} AND ${scanId} < ${this.params.bind(query.endId, "float8")})`;
  }

  /** The newest run of each selected scan_id among those in scope (newest: later time, then smaller uid). */
  private latestScans(query: ScanID | ScanIDRange, alias: string, scope: readonly Query[]): string {
    const inner = this.alias("s");
    const conditions = [this.selectsScan(query, inner), ...scope.map((part) => this.condition(part, inner))];
    return (
      `(${alias}.uid IN (SELECT DISTINCT ON (${runScanId(inner)}) ${inner}.uid FROM runs ${inner} ` +
      `WHERE ${conditions.join(" AND ")} ` +
      `ORDER BY ${runScanId(inner)}, ${runTime(inner)} DESC NULLS LAST, ${inner}.uid))`
    );
  }

  private keyCondition(query: KeyQuery, alias: string): string {
    if (query.op === "keyPresent" && query.exists === false)
      return `(${this.keyCondition({ ...query, exists: true }, alias)} IS NOT TRUE)`;
    const { document, segments } = parseQueryKey(query.key);
    if (document !== "descriptors") return this.holds(query, runDocument(alias, document), segments, alias);
    // Holds for the run when it holds for any one of its descriptors.
    const descriptor = this.alias("d");
    return (
      `EXISTS (SELECT 1 FROM descriptors ${descriptor} WHERE ${descriptor}.run = ${alias}.uid ` +
      `AND ${this.holds(query, descriptorDocument(descriptor), segments, alias)})`
    );
  }

  /** Whether the value at `segments` of one document satisfies a key query (`exists: false` aside). */
  private holds(query: KeyQuery, source: JsonSource, segments: string[], alias: string): string {
    // Bound only when used: PostgreSQL refuses a parameter that the statement never reads.
    let located: JsonValue | undefined;
    const at = () => (located ??= valueAt(source, segments, this.params));
    // The run's uid is also its indexed primary key.
    const uid = source.isRunStart && segments.length === 1 && segments[0] === "uid" ? `${alias}.uid` : null;
    switch (query.op) {
      case "eq":
        return this.equals(source, segments, at, query.value, uid);
      case "notEq":
        return `(${at().jsonb} IS NOT NULL AND ${this.equals(source, segments, at, query.value, uid)} IS NOT TRUE)`;
      case "in":
        return either(query.values.map((one) => this.equals(source, segments, at, one, uid)));
      case "notIn": {
        const equal = query.values.map((one) => this.equals(source, segments, at, one, uid));
        return `(${at().jsonb} IS NOT NULL AND ${either(equal)} IS NOT TRUE)`;
      }
      case "comparison": {
        const operator = OPERATORS[query.operator];
        if (!operator)
          throw new UnsupportedError(`unknown comparison operator ${JSON.stringify(query.operator)}`);
        if (typeof query.value === "number")
          return `(${numberOf(at().jsonb)} ${operator} ${this.params.bind(query.value, "float8")})`;
        if (typeof query.value === "string") {
          const text = uid ?? `${stringOf(at().jsonb)} COLLATE "C"`;
          return `(${text} ${operator} ${this.params.bind(query.value, "text")})`;
        }
        throw new UnsupportedError(`comparison of ${query.key} needs a number or a string`);
      }
      case "contains":
        return this.contains(source, segments, at, query.value);
      case "like":
        return `(${stringOf(at().jsonb)} COLLATE "C" LIKE ${this.params.bind(query.pattern, "text")})`;
      case "regex": {
        const pattern = this.params.bind(postgresRegex(query.pattern), "text");
        const operation = query.caseSensitive
          ? `${stringOf(at().jsonb)} COLLATE "C" ~ ${pattern}`
          : `${stringOf(at().jsonb)} COLLATE "${this.caseFolding}" ~* ${pattern}`;
        return `(${operation})`;
      }
      case "keyPresent":
        return `(${at().jsonb} IS NOT NULL)`;
    }
  }

  /** JSON equality: same type; arrays and objects equal as their JSON text (see queries/matches.ts). */
  private equals(
    source: JsonSource,
    segments: string[],
    at: () => JsonValue,
    wanted: QueryValue,
    uid: string | null,
  ): string {
    if (uid !== null)
      return typeof wanted === "string" ? `(${uid} = ${this.params.bind(wanted, "text")})` : "FALSE";
    // Containment reaches the key through objects only, as key paths do; at the document itself it is `=`.
    const contained =
      segments.length === 0
        ? `${source.jsonb} = ${this.params.bind(JSON.stringify(wanted), "jsonb")}`
        : `${source.jsonb} @> ${this.params.bind(JSON.stringify(nested(segments, wanted)), "jsonb")}`;
    if (isScalar(wanted)) return `(${contained})`;
    return `(${contained} AND (${at().json})::text = ${this.params.bind(JSON.stringify(wanted), "text")})`;
  }

  /** An array holding an element equal to `wanted`, or a string holding `wanted` as a substring. */
  private contains(source: JsonSource, segments: string[], at: () => JsonValue, wanted: QueryValue): string {
    const elementIn =
      segments.length === 0
        ? "FALSE" // a document is an object, never an array
        : `${source.jsonb} @> ${this.params.bind(JSON.stringify(nested(segments, [wanted])), "jsonb")}`;
    const choices = [
      isScalar(wanted)
        ? `(${elementIn})`
        : // Containment would also take a larger array or object: the JSON text of an element must match.
          `(${elementIn} AND EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(${at().json}) = 'array' THEN ${at().json} END) element WHERE element::text = ${this.params.bind(JSON.stringify(wanted), "text")}))`,
    ];
    if (typeof wanted === "string")
      choices.push(`(strpos(${stringOf(at().jsonb)}, ${this.params.bind(wanted, "text")}) > 0)`);
    return either(choices);
  }
}
