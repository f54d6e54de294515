// Typed SQL expressions over the stored JSON (start, stop, descriptors and annotations, each as JSONB for
// types, containment and indexes, and as exact JSON text for equality and order of arrays and objects), shared
// by the query compiler, sorting and distinct. The indexed keys are written exactly as the migration's
// expression indexes.
import type { SqlParams } from "./sqlParams.ts";

/** Where a document's JSON lives: its JSONB and JSON columns, e.g. `r.start` and `r.start_json`. */
export interface JsonSource {
  jsonb: string;
  json: string;
  /** The run row's start document: its indexed keys are written as the indexes spell them. */
  isRunStart: boolean;
}

/** Start keys written as constants: those with expression indexes (see migrations.ts), and uid. */
const CONSTANT_START_KEYS = new Set(["time", "scan_id", "plan_name", "uid"]);

export function runDocument(alias: string, document: "start" | "stop"): JsonSource {
  return {
    jsonb: `${alias}.${document}`,
    json: `${alias}.${document}_json`,
    isRunStart: document === "start",
  };
}

export function descriptorDocument(alias: string): JsonSource {
  return { jsonb: `${alias}.doc`, json: `${alias}.doc_json`, isRunStart: false };
}

/** What `annotations.` keys read of the annotations row `alias`: its searchable JSON (migration 4). */
export function annotationDocument(alias: string): JsonSource {
  return { jsonb: `${alias}.searchable`, json: `${alias}.searchable_json`, isRunStart: false };
}

/** The value at a path, as JSONB and as JSON text; SQL NULL when absent. */
export interface JsonValue {
  jsonb: string;
  json: string;
}

/**
 * The value at `segments` (object keys, bound as parameters). `->` with a text key yields NULL on an array,
 * so arrays are never indexed into, as queries/keyPath.ts reads paths.
 */
export function valueAt(source: JsonSource, segments: string[], params: SqlParams): JsonValue {
  if (source.isRunStart && segments.length === 1 && CONSTANT_START_KEYS.has(segments[0])) {
    // A constant of our own (never user text), so the planner can match the expression indexes.
    const key = `'${segments[0]}'`;
    return { jsonb: `(${source.jsonb} -> ${key})`, json: `(${source.json} -> ${key})` };
  }
  if (segments.length === 0) return { jsonb: source.jsonb, json: source.json };
  const steps = segments.map((segment) => ` -> ${params.bind(segment, "text")}`).join("");
  return { jsonb: `(${source.jsonb}${steps})`, json: `(${source.json}${steps})` };
}

/** A JSON number as float8 (what a JS number is), NULL for anything else. */
export function numberOf(jsonb: string): string {
  return `(CASE WHEN jsonb_typeof(${jsonb}) = 'number' THEN (${jsonb})::float8 END)`;
}

/** A JSON string as text, NULL for anything else. */
export function stringOf(jsonb: string): string {
  return `(CASE WHEN jsonb_typeof(${jsonb}) = 'string' THEN (${jsonb} #>> '{}') END)`;
}

/** The start time of the run row `alias` (the expression runs_time and runs_scan_id index). */
export function runTime(alias: string): string {
  return numberOf(`(${alias}.start -> 'time')`);
}

/** The start scan_id of the run row `alias` (the expression runs_scan_id indexes). */
export function runScanId(alias: string): string {
  return numberOf(`(${alias}.start -> 'scan_id')`);
}

/** `{"a": {"b": value}}` for segments a, b: the document shape that contains `value` at that path. */
export function nested(segments: string[], value: unknown): unknown {
  return segments.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value);
}
