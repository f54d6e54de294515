// What search into data shares: the statistics a query can name, how the language spells them as keys
// (`primary.theta.min`, `primary.events`), and what the in-memory evaluator reads of a run's streams.
// Statistics come from ingest (storage/ingest/fieldStats.ts); see FieldStats for what each one means.
import { UnsupportedError, ValidationError } from "../errors.ts";
import type { FieldStats } from "./fieldStats.ts";
import type { Query } from "./Query.ts";
import type { RunMetadata } from "./runValues.ts";

/**
 * The statistics a comparison can name. `min` and `max` are over every number the stream recorded for the
 * field; `sum` and `mean` are each event's own (an image's pixels, a spectrum's channels; a scalar is its own),
 * and a comparison on them holds when it holds for some event; `count` is the numbers recorded; `events` the
 * events of the stream (or that carry the field).
 */
export const DATA_STATS = ["min", "max", "sum", "mean", "count", "events"] as const;
export type DataStatName = (typeof DATA_STATS)[number];

/** Statistics compared for "some event": `==` cannot be answered from their least and greatest. */
export const PER_EVENT_STATS: ReadonlySet<DataStatName> = new Set(["sum", "mean"]);

/** The first segments that make a key a metadata key whatever its last one (keyPath.ts). */
const DOCUMENT_SEGMENTS = new Set(["start", "stop", "descriptors", "annotations", "tags"]);

export interface StatKey {
  stream: string;
  field?: string;
  stat: DataStatName | "shape";
}

/**
 * A key of the language that names a statistic: `<stream>.<field>.<stat>` (stat among DATA_STATS or `shape`)
 * or `<stream>.events`. Start keys of that form are written `start.sample.temperature.min`.
 */
export function statKeyOf(key: string): StatKey | undefined {
  const segments = key.split(".");
  if (DOCUMENT_SEGMENTS.has(segments[0]) || segments.some((segment) => segment === "")) return undefined;
  if (segments.length === 2 && segments[1] === "events") return { stream: segments[0], stat: "events" };
  const stat = segments[2] as StatKey["stat"];
  if (segments.length === 3 && (stat === "shape" || DATA_STATS.includes(stat as DataStatName)))
    return { stream: segments[0], field: segments[1], stat };
  return undefined;
}

/** How the language writes a stream's field (`primary.theta`) or the stream itself. */
export function dataPath(stream: string, field?: string): string {
  return field === undefined ? stream : `${stream}.${field}`;
}

/** The error of a query on a field whose numbers are not known yet (FieldStats.indexed). */
export function notIndexedError(stream: string, field: string): UnsupportedError {
  return new UnsupportedError(
    `${dataPath(stream, field)} is not indexed yet (external data, or stored before per-event sums were ` +
      "kept): run `databroker index` to compute its statistics, then search again",
  );
}

/** A stream field's statistics in memory; throws when they are not indexed (the SQL adapters check first). */
export function indexedFieldStats(run: RunMetadata, stream: string, field: string): FieldStats | undefined {
  const stats = run.streams?.[stream]?.fields[field];
  if (stats && !stats.indexed) throw notIndexedError(stream, field);
  return stats;
}

/** The name of a stream or field: a non-empty string without dots (the language separates with them). */
export function nameProblem(value: unknown): { rule: string; message: string } | undefined {
  if (typeof value !== "string") return { rule: "type", message: "must be a string" };
  if (value === "" || value.includes(".")) return { rule: "pattern", message: "must be a name without dots" };
  return undefined;
}

/** The stream fields a query node reads numbers of (all but `has` and event counts): each must be indexed. */
export function numbersRead(node: {
  op: string;
  stream?: string;
  field?: string;
  stat?: string;
}): { stream: string; field: string } | undefined {
  if (node.op !== "dataStat" && node.op !== "dataRange" && node.op !== "dataShape") return undefined;
  if (node.field === undefined || node.stat === "events") return undefined;
  return { stream: node.stream!, field: node.field };
}

/** What `distinct` lists of a statistic: its column of stream_stats, read from a field's row or the stream's. */
export interface DistinctStat {
  stream: string;
  /** '' for the stream's own row (`primary.events`). */
  field: string;
  stat: "min" | "max" | "count" | "events" | "shape";
}

/**
 * The statistic a distinct key names, or undefined for a metadata key. Per-event statistics have no one value
 * per run to list; asking for them is an error that says so.
 */
export function distinctStatOf(key: string): DistinctStat | undefined {
  const named = statKeyOf(key);
  if (!named) return undefined;
  if (PER_EVENT_STATS.has(named.stat as DataStatName))
    throw new ValidationError(
      `${key}: ${named.stat} is per event, with no one value per run to list; list min, max, count, events or shape`,
    );
  return { stream: named.stream, field: named.field ?? "", stat: named.stat as DistinctStat["stat"] };
}

/**
 * The runs a distinct over a statistic counts: those of `query` with the stream or field. A field's query
 * reads its numbers, so a field not indexed yet fails as a search on it does.
 */
export function distinctStatScope(stat: DistinctStat, query: Query): Query {
  const presence: Query =
    stat.field === ""
      ? { op: "hasData", stream: stat.stream }
      : { op: "dataStat", stream: stat.stream, field: stat.field, stat: "count", operator: "ge", value: 0 };
  return query.op === "all" ? presence : { op: "and", queries: [query, presence] };
}

/** A run's value of a statistic as distinct lists it: none when unknown, ±Infinity as null (as JSON carries it). */
export function distinctStatValue(run: RunMetadata, stat: DistinctStat): unknown {
  const stream = run.streams?.[stat.stream];
  if (!stream) return undefined;
  const value =
    stat.field === ""
      ? stat.stat === "events"
        ? stream.events
        : undefined
      : stream.fields[stat.field]?.[stat.stat];
  if (value === null) return undefined;
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
