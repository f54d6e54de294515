// The shapes of the API answers the page reads (Tiled's JSON:API envelope around databroker's metadata).
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = Record<string, Json>;

export interface RunSummary {
  uid: string;
  scan_id?: number;
  timestamp: number;
  plan_name?: string;
  stream_names: string[];
  duration?: number | null;
  events: Record<string, number>;
}

/** The annotation model the server keeps (one definition: the page imports its type). */
export type { Annotation } from "../../../src/annotations/Annotation.ts";

export interface RunMetadata {
  start: Doc;
  stop: Doc | null;
  summary: RunSummary;
  annotations?: import("../../../src/annotations/Annotation.ts").Annotation[];
}

export interface Item<M> {
  id: string;
  attributes: {
    metadata: M;
    structure_family: string;
    structure?: { data_type?: DataType; shape?: number[]; count?: number } | null;
  };
}

export interface Page<M> {
  data: Item<M>[];
  meta: { count: number };
}

export interface DataType {
  kind: string;
  itemsize: number;
  endianness: "little" | "big" | "not_applicable";
}

export interface DataKey {
  dtype: string;
  shape: number[];
  source: string;
  units?: string;
  precision?: number;
  external?: string;
  object_name?: string;
  dtype_numpy?: string;
}

export interface Descriptor {
  uid: string;
  name: string;
  data_keys: Record<string, DataKey>;
  hints?: Record<string, { fields?: string[] }>;
  configuration?: Record<string, Json>;
  object_keys?: Record<string, string[]>;
}

export interface StreamMetadata {
  descriptors: Descriptor[];
  stream_name: string;
}

/** A run's start time, scan_id and uid as people read them. */
export function describeRun(start: Doc): string {
  const scan = start.scan_id === undefined ? "" : `scan ${start.scan_id} · `;
  return `${scan}${String(start.plan_name ?? "run")} · ${String(start.uid).slice(0, 8)}`;
}

export function formatTime(seconds: unknown): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
  const date = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function formatDuration(seconds: unknown): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A value in a table cell: numbers with up to 6 significant digits, lists and objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The value at a dotted path of a document (`plan_args.num`). */
export function valueAt(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
