// Queries as Tiled's search parameters, both ways: `filter[<name>][condition][<field>]=<value>`, one group
// of fields per query, several queries of one type paired by position, all of them ANDed. Each kind with a
// Tiled form encodes and decodes its own fields (see tiledFilter.ts); a few Tiled filters with no kind of
// their own (lookup, keys_filter, specs, structure_family) are read here, and our own `query` filter, whose
// text is the query language (parseQuery.ts), so that a web page's search box can send or / not. Tiled has
// no or / not: encoding those throws UnsupportedError.
import { type Finding, UnsupportedError, ValidationError } from "../errors.ts";
import { allQuery } from "./kinds/all.ts";
import { andQuery } from "./kinds/and.ts";
import { eqQuery } from "./kinds/eq.ts";
import { inQuery } from "./kinds/in.ts";
import { onQueryKindsChange, queryKind, queryKinds } from "./kinds/index.ts";
import { notQuery } from "./kinds/not.ts";
import type { QueryKind, TiledForm } from "./kinds/QueryKind.ts";
import { parseQuery } from "./parseQuery.ts";
import type { Query } from "./Query.ts";
import type { Built } from "./queryValue.ts";
import { FilterReader } from "./tiledFilter.ts";
import { checkQuery, queryProblems } from "./validateQuery.ts";

export type TiledParam = [name: string, value: string];

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

function tiledFormOf(op: string): TiledForm<{ op: string }> {
  const form = queryKind(op)?.tiled as TiledForm<{ op: string }> | undefined;
  if (!form) throw new UnsupportedError(`${op} has no Tiled filter form`);
  return form;
}

/** The parts with each kind that merges (time ranges: their intersection) as one part, after the others. */
function mergedParts(parts: Query[]): Array<{ op: string }> {
  const merging = new Map<string, Query[]>();
  const kept: Array<{ op: string }> = [];
  for (const part of parts) {
    if (queryKind(part.op)?.tiled?.merge) merging.set(part.op, [...(merging.get(part.op) ?? []), part]);
    else kept.push(part);
  }
  for (const [op, group] of merging) kept.push(tiledFormOf(op).merge!(group));
  return kept;
}

/** The query as Tiled search parameters (give them to `new URLSearchParams(...)`). */
export function queryToTiledParams(query: Query): TiledParam[] {
  const params: TiledParam[] = [];
  for (const part of mergedParts(conjuncts(query))) {
    const form = tiledFormOf(part.op);
    for (const [field, value] of Object.entries(form.encode(part)))
      params.push([`filter[${form.name}][condition][${field}]`, value]);
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

/** The findings of a decoded filter, their paths naming the Tiled parameter. */
function problemsAsParams(name: string, part: { op: string }): Finding[] {
  const fieldNames = queryKind(part.op)?.tiled?.fieldNames ?? {};
  return queryProblems(part).map((finding) => {
    const field = /^\$\.([A-Za-z]+)/.exec(finding.path)?.[1] ?? "";
    return { ...finding, path: `filter[${name}][condition][${fieldNames[field] ?? field}]` };
  });
}

const NOTHING: Query = notQuery(allQuery());
const RUN_SPECS = new Set(["BlueskyRun"]);

/** Tiled filters that are not a kind of their own, read as the queries they amount to for runs. */
const TILED_ONLY: Record<string, (reader: FilterReader) => Query> = {
  lookup: (reader) => eqQuery("uid", reader.raw("key") ?? ""),
  keys_filter: (reader) => inQuery("uid", reader.json("keys") as never),
  specs: (reader) => {
    const include = (reader.json("include") ?? []) as string[];
    const exclude = (reader.json("exclude") ?? []) as string[];
    const runsMatch =
      include.every((spec) => RUN_SPECS.has(spec)) && !exclude.some((spec) => RUN_SPECS.has(spec));
    return runsMatch ? allQuery() : NOTHING;
  },
  structure_family: (reader) => (reader.raw("value") === "container" ? allQuery() : NOTHING),
  // Ours: `text` in the query language; `tz` the zone of its times without an offset (default the server's).
  // A syntax error throws the parser's QuerySyntaxError (HTTP 400), whose message points at the column.
  query: (reader) => parseQuery(reader.raw("text") ?? "", { timezone: reader.raw("tz", true) }),
};

let decoders: Map<string, TiledForm<{ op: string }>> | undefined;
onQueryKindsChange(() => {
  decoders = undefined;
});

/** The kinds' Tiled forms by every filter name they read. */
function tiledDecoders(): Map<string, TiledForm<{ op: string }>> {
  if (decoders) return decoders;
  decoders = new Map();
  for (const kind of queryKinds() as Iterable<QueryKind>) {
    const form = kind.tiled;
    if (form) for (const name of [form.name, ...(form.aliases ?? [])]) decoders.set(name, form);
  }
  return decoders;
}

function decode(reader: FilterReader): { op: string } {
  const form = tiledDecoders().get(reader.name);
  if (form) return form.decode(reader);
  const tiledOnly = Object.hasOwn(TILED_ONLY, reader.name) ? TILED_ONLY[reader.name] : undefined;
  if (tiledOnly) return tiledOnly(reader);
  throw new UnsupportedError(`The query type '${reader.name}' is not supported on this node.`);
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
  const parts: Array<{ op: string }> = [];
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
    parts.length === 0 ? allQuery() : parts.length === 1 ? parts[0] : andQuery(parts as Query[]),
  );
}
