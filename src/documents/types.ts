// The bluesky event-model documents (event-model v1.24) as TypeScript types.
// Field names and optionality follow the official JSON Schemas in ../shared/data/event-model-schemas.

/** Every document name that travels in a `[name, doc]` pair. */
export const DOCUMENT_NAMES = [
  "start",
  "stop",
  "descriptor",
  "event",
  "event_page",
  "resource",
  "datum",
  "datum_page",
  "stream_resource",
  "stream_datum",
  "bulk_events",
  "bulk_datum",
] as const;

export type DocumentName = (typeof DOCUMENT_NAMES)[number];

export function isDocumentName(name: unknown): name is DocumentName {
  return typeof name === "string" && (DOCUMENT_NAMES as readonly string[]).includes(name);
}

/** Free-form metadata: any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RunStart {
  uid: string;
  time: number;
  scan_id?: number;
  group?: string;
  owner?: string;
  project?: string;
  data_session?: string;
  data_groups?: string[];
  sample?: string | Record<string, unknown>;
  data_type?: unknown;
  projections?: unknown[];
  hints?: { dimensions?: Array<[string[] | string, string]>; [key: string]: unknown };
  plan_name?: string;
  [key: string]: unknown;
}

export type ExitStatus = "success" | "abort" | "fail";

export interface RunStop {
  uid: string;
  time: number;
  run_start: string;
  exit_status: ExitStatus;
  reason?: string;
  num_events?: Record<string, number>;
  data_type?: unknown;
  [key: string]: unknown;
}

export type Dtype = "string" | "number" | "array" | "boolean" | "integer";

export interface LimitsRange {
  low: number | null;
  high: number | null;
}

export interface DataKey {
  dtype: Dtype;
  shape: Array<number | null>;
  source: string;
  external?: string;
  dims?: string[];
  units?: string | null;
  precision?: number | null;
  object_name?: string;
  dtype_numpy?: string | Array<[string, string]>;
  choices?: string[];
  limits?: {
    control?: LimitsRange | null;
    display?: LimitsRange | null;
    warning?: LimitsRange | null;
    alarm?: LimitsRange | null;
    hysteresis?: number | null;
    rds?: { time_difference: number; value_difference?: number | null } | null;
  };
  [key: string]: unknown;
}

export interface Configuration {
  data?: Record<string, unknown>;
  timestamps?: Record<string, unknown>;
  data_keys?: Record<string, DataKey>;
  [key: string]: unknown;
}

export interface EventDescriptor {
  uid: string;
  time: number;
  run_start: string;
  data_keys: Record<string, DataKey>;
  name?: string;
  configuration?: Record<string, Configuration>;
  object_keys?: Record<string, string[]>;
  object_classes?: Record<string, string>;
  hints?: Record<string, unknown>;
}

export interface Event {
  uid: string;
  descriptor: string;
  seq_num: number;
  time: number;
  data: Record<string, unknown>;
  timestamps: Record<string, unknown>;
  filled?: Record<string, boolean | string>;
}

export interface EventPage {
  uid: string[];
  descriptor: string;
  seq_num: number[];
  time: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, unknown[]>;
  filled?: Record<string, Array<boolean | string>>;
}

export interface Resource {
  uid: string;
  spec: string;
  root: string;
  resource_path: string;
  resource_kwargs: Record<string, unknown>;
  path_semantics?: "posix" | "windows";
  run_start?: string;
}

export interface Datum {
  datum_id: string;
  resource: string;
  datum_kwargs: Record<string, unknown>;
}

export interface DatumPage {
  datum_id: string[];
  resource: string;
  datum_kwargs: Record<string, unknown[]>;
}

export interface StreamResource {
  uid: string;
  data_key: string;
  mimetype: string;
  uri: string;
  parameters: Record<string, unknown>;
  run_start?: string;
  [key: string]: unknown;
}

/** A half-open range `[start, stop)`. */
export interface StreamRange {
  start: number;
  stop: number;
}

export interface StreamDatum {
  uid: string;
  stream_resource: string;
  descriptor: string;
  indices: StreamRange;
  seq_nums: StreamRange;
  [key: string]: unknown;
}

/** Deprecated: events grouped by descriptor uid. */
export type BulkEvents = Record<string, Event[]>;

/** Deprecated: many datums of one resource. */
export interface BulkDatum {
  resource: string;
  datum_ids: string[];
  datum_kwarg_list: Array<Record<string, unknown>>;
}

export interface DocumentTypes {
  start: RunStart;
  stop: RunStop;
  descriptor: EventDescriptor;
  event: Event;
  event_page: EventPage;
  resource: Resource;
  datum: Datum;
  datum_page: DatumPage;
  stream_resource: StreamResource;
  stream_datum: StreamDatum;
  bulk_events: BulkEvents;
  bulk_datum: BulkDatum;
}

/** One `[name, doc]` pair, typed by its name. */
export type DocumentPair = { [N in DocumentName]: [N, DocumentTypes[N]] }[DocumentName];

/** Any document. */
export type AnyDocument = DocumentTypes[DocumentName];
