// A Query -> a PostgreSQL condition on a runs row, answering as queries/matches.ts does on the JSON view.
// Scalar equality is JSONB containment (GIN-indexed); comparisons, time ranges and scan_ids use the indexed
// typed expressions; NOT is `IS NOT TRUE`, so an absent value reads false as in memory; values are bound
// parameters. Each kind's SQL is in postgresTranslations.ts; this is the context those translations use.
import { parseQueryKey } from "../../queries/keyPath.ts";
import type { Query, QueryKey, QueryValue, ScanID, ScanIDRange } from "../../queries/Query.ts";
import { annotatedRuns } from "./annotationSearch.ts";
import { either } from "./either.ts";
import {
  descriptorDocument,
  type JsonSource,
  type JsonValue,
  nested,
  runDocument,
  runScanId,
  runTime,
  stringOf,
  valueAt,
} from "./jsonPaths.ts";
import { postgresTranslations } from "./postgresTranslations.ts";
import { prefixRange } from "./prefixRange.ts";
import type { SqlParams } from "./sqlParams.ts";

/**
 * Collations: text compares by code point ("C"); case-insensitive regexes fold case by Unicode (ICU). And,
 * for one search, whose annotations its `annotations.` and `tags` keys reach.
 */
export interface CompileOptions {
  /** The collation case-insensitive regexes run under (default: ICU's root collation). */
  caseFolding?: string;
  /** The reader tokens of the search (SearchOptions.readers); undefined: every live annotation. */
  readers?: readonly string[];
}

export const ICU_ROOT = "und-x-icu";

function isScalar(value: QueryValue): value is null | boolean | number | string {
  return value === null || typeof value !== "object";
}

/** The value a key query reads in one document, and what it may use to read it fast. */
export interface KeyHolding {
  source: JsonSource;
  segments: string[];
  /** The value at the key (bound only when used: PostgreSQL refuses a parameter a statement never reads). */
  at: () => JsonValue;
  /** The run's indexed uid column when the key is the start's uid, else null. */
  uid: string | null;
  alias: string;
}

/** Compiles queries over one statement's parameters; aliases of nested subqueries are numbered. */
export class QueryCompiler {
  private aliases = 0;
  readonly caseFolding: string;
  readonly readers: readonly string[] | undefined;

  constructor(
    readonly params: SqlParams,
    options: CompileOptions = {},
  ) {
    this.caseFolding = options.caseFolding ?? ICU_ROOT;
    this.readers = options.readers;
  }

  alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }

  /** The condition `query` sets on the runs row `alias`; `scope` is what duplicate rules resolve within. */
  condition(query: Query, alias: string, scope: readonly Query[] = []): string {
    return postgresTranslations.translate(query, { compiler: this, alias, scope });
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
  latestScans(query: ScanID | ScanIDRange, alias: string, scope: readonly Query[]): string {
    const inner = this.alias("s");
    const conditions = [this.selectsScan(query, inner), ...scope.map((part) => this.condition(part, inner))];
    return (
      `(${alias}.uid IN (SELECT DISTINCT ON (${runScanId(inner)}) ${inner}.uid FROM runs ${inner} ` +
      `WHERE ${conditions.join(" AND ")} ` +
      `ORDER BY ${runScanId(inner)}, ${runTime(inner)} DESC NULLS LAST, ${inner}.uid))`
    );
  }

  /**
   * A condition on the value at `key` of the run `alias`: for descriptors keys, of any one descriptor; for
   * annotations keys, of any one annotation the readers read.
   */
  keyCondition(key: QueryKey, alias: string, holds: (holding: KeyHolding) => string): string {
    const { document, segments } = parseQueryKey(key);
    if (document === "annotations")
      return annotatedRuns(this, alias, (annotation) => holds(this.holding(annotation, segments, alias)));
    if (document !== "descriptors") return holds(this.holding(runDocument(alias, document), segments, alias));
    const descriptor = this.alias("d");
    return (
      `EXISTS (SELECT 1 FROM descriptors ${descriptor} WHERE ${descriptor}.run = ${alias}.uid ` +
      `AND ${holds(this.holding(descriptorDocument(descriptor), segments, alias))})`
    );
  }

  private holding(source: JsonSource, segments: string[], alias: string): KeyHolding {
    let located: JsonValue | undefined;
    return {
      source,
      segments,
      at: () => (located ??= valueAt(source, segments, this.params)),
      // The run's uid is also its indexed primary key.
      uid: source.isRunStart && segments.length === 1 && segments[0] === "uid" ? `${alias}.uid` : null,
      alias,
    };
  }

  /** JSON equality: same type; arrays and objects equal as their JSON text (see queries/matches.ts). */
  equals({ source, segments, at, uid }: KeyHolding, wanted: QueryValue): string {
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
  contains({ source, segments, at }: KeyHolding, wanted: QueryValue): string {
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
