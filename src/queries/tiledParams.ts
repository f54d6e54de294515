// Queries as Tiled's search parameters, both ways: `filter[<name>][condition][<field>]=<value>`, one group
// of fields per query, several queries of one type paired by position, all of them ANDed. Values follow
// Tiled's encodings (JSON for values and lists, raw text for keys, patterns of regex and full text). Keys go
// out with an explicit `start.` (a Tiled BlueskyRun's metadata is {start, stop, ...}) and come back without
// it. Tiled has no or / not: those throw UnsupportedError.
import { type Finding, UnsupportedError, ValidationError } from "../errors.ts";
import type { Query, QueryKey, TimeRange } from "./Query.ts";
import type { Built } from "./queryValue.ts";
import { checkQuery, queryProblems } from "./validateQuery.ts";

export type TiledParam = [name: string, value: string];

type Fields = Record<string, string>;

const DOCUMENT_PREFIXES = new Set(["start", "stop", "descriptors"]);

/** A key as Tiled names it: start keys get `start.` so a Tiled catalog of BlueskyRuns reads them. */
function tiledKey(key: QueryKey): string {
  return DOCUMENT_PREFIXES.has(key.split(".")[0]) ? key : `start.${key}`;
}

/** A key from Tiled: `start.` dropped unless what follows would then read as another document. */
function ourKey(key: string): QueryKey {
  if (!key.startsWith("start.")) return key;
  const rest = key.slice("start.".length);
  return DOCUMENT_PREFIXES.has(rest.split(".")[0]) ? key : rest;
}

/** The conjunction's parts, flattened; or / not have no Tiled form. */
function conjuncts(query: Query, found: Query[] = []): Query[] {
  if (query.op === "and") for (const part of query.queries) conjuncts(part, found);
  else if (query.op === "not" && query.query.op === "keyPresent")
    found.push({ ...query.query, exists: query.query.exists === false });
  else if (query.op === "or" || query.op === "not")
    throw new UnsupportedError(`Tiled's filters are AND-only: ${query.op} has no filter[...] form`);
  else if (query.op !== "all") found.push(query);
  return found;
}

/** Several time ranges in one conjunction are their intersection: Tiled pairs fields by position. */
function mergedTimeRanges(ranges: TimeRange[]): TimeRange {
  const since = Math.max(...ranges.map((range) => range.since ?? Number.NEGATIVE_INFINITY));
  const until = Math.min(...ranges.map((range) => range.until ?? Number.POSITIVE_INFINITY));
  const merged: TimeRange = { op: "timeRange", timezone: ranges[0].timezone };
  if (Number.isFinite(since)) merged.since = since;
  if (Number.isFinite(until)) merged.until = Number.isFinite(since) ? Math.max(since, until) : until;
  return merged;
}

function encode(query: Query): [string, Fields] {
  switch (query.op) {
    case "eq":
    case "notEq":
    case "contains":
      return [
        query.op === "notEq" ? "noteq" : query.op,
        { key: tiledKey(query.key), value: JSON.stringify(query.value) },
      ];
    case "comparison":
      return [
        "comparison",
        { operator: query.operator, key: tiledKey(query.key), value: JSON.stringify(query.value) },
      ];
    case "in":
    case "notIn":
      return [
        query.op === "in" ? "in" : "notin",
        { key: tiledKey(query.key), value: JSON.stringify(query.values) },
      ];
    case "like":
      return ["like", { key: tiledKey(query.key), pattern: JSON.stringify(query.pattern) }];
    case "regex":
      return [
        "regex",
        {
          key: tiledKey(query.key),
          pattern: query.pattern,
          case_sensitive: String(query.caseSensitive !== false),
        },
      ];
    case "fullText":
      return ["fulltext", { text: query.text }];
    case "keyPresent":
      return ["keypresent", { key: tiledKey(query.key), exists: String(query.exists !== false) }];
    case "timeRange": {
      const fields: Fields = { timezone: query.timezone };
      if (query.since !== undefined) fields.since = String(query.since);
      if (query.until !== undefined) fields.until = String(query.until);
      return ["time_range", fields];
    }
    case "scanId":
      return ["scan_id", { scan_ids: query.scanIds.join(","), duplicates: query.duplicates }];
    case "scanIdRange":
      return [
        "scan_id_range",
        { start_id: String(query.startId), end_id: String(query.endId), duplicates: query.duplicates },
      ];
    case "partialUid":
      return ["partial_uid", { partial_uids: query.prefixes.join(",") }];
    default:
      throw new UnsupportedError(`${query.op} has no Tiled filter form`);
  }
}

/** The query as Tiled search parameters (give them to `new URLSearchParams(...)`). */
export function queryToTiledParams(query: Query): TiledParam[] {
  const parts = conjuncts(query);
  const ranges = parts.filter((part): part is TimeRange => part.op === "timeRange");
  const others = parts.filter((part) => part.op !== "timeRange");
  const params: TiledParam[] = [];
  for (const part of ranges.length > 0 ? [...others, mergedTimeRanges(ranges)] : others) {
    const [name, fields] = encode(part);
    for (const [field, value] of Object.entries(fields))
      params.push([`filter[${name}][condition][${field}]`, value]);
  }
  return params;
}

const FILTER = /^filter\[([^\]]+)\]\[condition\]\[([^\]]+)\]$/;

type ParamsInput =
  | URLSearchParams
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | undefined>;

function pairsOf(params: ParamsInput): Array<readonly [string, string]> {
  if (params instanceof URLSearchParams || Symbol.iterator in params)
    return [...(params as Iterable<readonly [string, string]>)];
  return Object.entries(params).flatMap(([name, value]) =>
    value === undefined
      ? []
      : typeof value === "string"
        ? [[name, value] as const]
        : value.map((v) => [name, v] as const),
  );
}

class FilterReader {
  readonly findings: Finding[] = [];
  constructor(
    readonly name: string,
    readonly fields: Record<string, string | undefined>,
  ) {}

  private param(field: string): string {
    return `filter[${this.name}][condition][${field}]`;
  }

  private fail(field: string, rule: string, message: string): undefined {
    this.findings.push({ name: "query", path: this.param(field), rule, message });
    return undefined;
  }

  raw(field: string, optional = false): string | undefined {
    const value = this.fields[field];
    if (value === undefined && !optional) return this.fail(field, "required", `${this.name} needs ${field}`);
    return value;
  }

  json(field: string): unknown {
    const text = this.raw(field);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return this.fail(field, "json", `${JSON.stringify(text)} is not JSON (strings are sent quoted)`);
    }
  }

  boolean(field: string, fallback: boolean): boolean {
    const text = this.raw(field, true);
    if (text === undefined) return fallback;
    const lower = text.toLowerCase();
    if (["true", "1", "yes", "on"].includes(lower)) return true;
    if (["false", "0", "no", "off"].includes(lower)) return false;
    this.fail(field, "type", `${JSON.stringify(text)} is not true or false`);
    return fallback;
  }

  number(field: string, optional = false): number | undefined {
    const text = this.raw(field, optional);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      return this.fail(field, "type", `${JSON.stringify(text)} is not a number`);
    return value;
  }

  key(): QueryKey {
    return ourKey(this.raw("key") ?? "");
  }
}

/** Our field names as Tiled's. */
const TILED_FIELDS: Record<string, string> = {
  values: "value",
  caseSensitive: "case_sensitive",
  scanIds: "scan_ids",
  startId: "start_id",
  endId: "end_id",
  prefixes: "partial_uids",
};

/** The findings of a decoded filter, their paths naming the Tiled parameter. */
function problemsAsParams(name: string, part: Query): Finding[] {
  return queryProblems(part).map((finding) => {
    const field = /^\$\.([A-Za-z]+)/.exec(finding.path)?.[1] ?? "";
    return { ...finding, path: `filter[${name}][condition][${TILED_FIELDS[field] ?? field}]` };
  });
}

const NOTHING: Query = { op: "not", query: { op: "all" } };
const RUN_SPECS = new Set(["BlueskyRun"]);

function decode(reader: FilterReader): Query {
  const name = reader.name;
  switch (name) {
    case "eq":
    case "noteq":
    case "contains":
      return {
        op: name === "noteq" ? "notEq" : name,
        key: reader.key(),
        value: reader.json("value") as never,
      };
    case "comparison":
      return {
        op: "comparison",
        operator: reader.raw("operator") as never,
        key: reader.key(),
        value: reader.json("value") as never,
      };
    case "in":
    case "notin":
      return { op: name === "in" ? "in" : "notIn", key: reader.key(), values: reader.json("value") as never };
    case "like":
      return { op: "like", key: reader.key(), pattern: reader.json("pattern") as never };
    case "regex":
      return {
        op: "regex",
        key: reader.key(),
        pattern: reader.raw("pattern") ?? "",
        caseSensitive: reader.boolean("case_sensitive", true),
      };
    case "fulltext":
      return { op: "fullText", text: reader.raw("text") ?? "" };
    case "keypresent":
      return { op: "keyPresent", key: reader.key(), exists: reader.boolean("exists", true) };
    case "lookup":
      return { op: "eq", key: "uid", value: reader.raw("key") ?? "" };
    case "keys_filter":
      return { op: "in", key: "uid", values: reader.json("keys") as never };
    case "specs": {
      const include = (reader.json("include") ?? []) as string[];
      const exclude = (reader.json("exclude") ?? []) as string[];
      const runsMatch =
        include.every((spec) => RUN_SPECS.has(spec)) && !exclude.some((spec) => RUN_SPECS.has(spec));
      return runsMatch ? { op: "all" } : NOTHING;
    }
    case "structure_family":
      return reader.raw("value") === "container" ? { op: "all" } : NOTHING;
    case "time_range": {
      const range: TimeRange = { op: "timeRange", timezone: reader.raw("timezone") ?? "" };
      const since = reader.number("since", true);
      const until = reader.number("until", true);
      if (since !== undefined) range.since = since;
      if (until !== undefined) range.until = until;
      return range;
    }
    case "scan_id":
      return {
        op: "scanId",
        scanIds: (reader.raw("scan_ids") ?? "")
          .split(",")
          .map((id) => (id.trim() === "" ? Number.NaN : Number(id))),
        duplicates: (reader.raw("duplicates", true) ?? "latest") as never,
      };
    case "scan_id_range":
      return {
        op: "scanIdRange",
        startId: reader.number("start_id") ?? 0,
        endId: reader.number("end_id") ?? 0,
        duplicates: (reader.raw("duplicates", true) ?? "latest") as never,
      };
    case "partial_uid":
      return { op: "partialUid", prefixes: (reader.raw("partial_uids") ?? "").split(",") };
    default:
      throw new UnsupportedError(`The query type '${name}' is not supported on this node.`);
  }
}

/**
 * The query of Tiled search parameters (other parameters are ignored): the filters ANDed, one alone as
 * itself, none as every run. Malformed filters throw ValidationError naming the parameter.
 */
export function queryFromTiledParams(params: ParamsInput): Built {
  const byName = new Map<string, Map<string, string[]>>();
  for (const [param, value] of pairsOf(params)) {
    const match = FILTER.exec(param);
    if (!match) continue;
    const [, name, field] = match;
    if (!byName.has(name)) byName.set(name, new Map());
    const fields = byName.get(name)!;
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field)!.push(value);
  }
  const parts: Query[] = [];
  const findings: Finding[] = [];
  for (const [name, fields] of byName) {
    const count = Math.max(...[...fields.values()].map((values) => values.length));
    for (const [field, values] of fields) {
      if (values.length !== count)
        findings.push({
          name: "query",
          path: `filter[${name}][condition][${field}]`,
          rule: "pairing",
          message: `${values.length} values for ${count} ${name} filters: fields are paired by position`,
        });
    }
    for (let index = 0; index < count; index++) {
      const reader = new FilterReader(
        name,
        Object.fromEntries([...fields].map(([field, values]) => [field, values[index]])),
      );
      const part = decode(reader);
      findings.push(...(reader.findings.length > 0 ? reader.findings : problemsAsParams(name, part)));
      parts.push(part);
    }
  }
  if (findings.length > 0)
    throw new ValidationError(
      `invalid search filters: ${findings[0].path}: ${findings[0].message}`,
      findings,
    );
  return checkQuery(
    parts.length === 0 ? { op: "all" } : parts.length === 1 ? parts[0] : { op: "and", queries: parts },
  );
}
