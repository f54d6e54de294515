// Composes the documents of a new run, in the spirit of event-model's compose_run: a start, then bundles
// that compose descriptors (with their events and event pages), resources (datums, datum pages), stream
// resources (stream datums) and the stop. Every document composed passes its schema and the run checks.
import { randomUUID } from "node:crypto";
import { ConflictError, type Finding, ValidationError } from "../errors.ts";
import { eventKeyProblems, streamKeysOf } from "./run/eventKeys.ts";
import type {
  Configuration,
  DataKey,
  Datum,
  DatumPage,
  DocumentName,
  Event,
  EventDescriptor,
  EventPage,
  ExitStatus,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamRange,
  StreamResource,
} from "./types.ts";
import { isValidDocument, validateDocument } from "./validate.ts";

export interface ComposeRunOptions {
  uid?: string;
  time?: number;
}

export interface DescriptorSpec {
  /** The stream name (default "primary"). */
  name?: string;
  data_keys: Record<string, DataKey>;
  configuration?: Record<string, Configuration>;
  object_keys?: Record<string, string[]>;
  object_classes?: Record<string, string>;
  hints?: Record<string, unknown>;
  uid?: string;
  time?: number;
}

export interface EventSpec {
  data: Record<string, unknown>;
  timestamps: Record<string, unknown>;
  filled?: Record<string, boolean | string>;
  /** Default: the next of the stream's counter (shared by every descriptor of the stream name). */
  seq_num?: number;
  uid?: string;
  time?: number;
}

export interface EventPageSpec {
  data: Record<string, unknown[]>;
  timestamps: Record<string, unknown[]>;
  filled?: Record<string, Array<boolean | string>>;
  seq_num?: number[];
  uid?: string[];
  time?: number[];
}

export interface ResourceSpec {
  spec: string;
  root: string;
  resource_path: string;
  resource_kwargs?: Record<string, unknown>;
  path_semantics?: "posix" | "windows";
  uid?: string;
}

export interface StreamResourceSpec {
  data_key: string;
  mimetype: string;
  uri: string;
  parameters?: Record<string, unknown>;
  uid?: string;
}

export interface StreamDatumSpec {
  descriptor: EventDescriptor;
  /** Half-open range of rows in the external resource. */
  indices: StreamRange;
  /** Half-open range of seq_nums; default: continues this stream resource's previous range, from 1. */
  seq_nums?: StreamRange;
}

export interface StopSpec {
  exit_status?: ExitStatus;
  reason?: string;
  uid?: string;
  time?: number;
}

export interface ComposedDescriptor {
  descriptor: EventDescriptor;
  composeEvent(spec: EventSpec): Event;
  composeEventPage(spec: EventPageSpec): EventPage;
}

export interface ComposedResource {
  resource: Resource;
  composeDatum(datum_kwargs?: Record<string, unknown>): Datum;
  composeDatumPage(datum_kwargs: Record<string, unknown[]>): DatumPage;
}

export interface ComposedStreamResource {
  streamResource: StreamResource;
  composeStreamDatum(spec: StreamDatumSpec): StreamDatum;
}

export interface ComposedRun {
  start: RunStart;
  composeDescriptor(spec: DescriptorSpec): ComposedDescriptor;
  composeResource(spec: ResourceSpec): ComposedResource;
  composeStreamResource(spec: StreamResourceSpec): ComposedStreamResource;
  /** The stop, with num_events per stream name; nothing may be composed after it. */
  composeStop(spec?: StopSpec): RunStop;
}

const now = () => Date.now() / 1000;

/** Throw unless `doc` passes its JSON Schema. */
function checked<T>(name: DocumentName, doc: T): T {
  if (!isValidDocument(name, doc)) {
    const findings = validateDocument(name, doc);
    throw new ValidationError(
      `composed ${name} breaks its schema: ${findings.map((f) => `${f.path} ${f.message}`)}`,
      findings,
    );
  }
  return doc;
}

function rejectKeyProblems(name: DocumentName, findings: Finding[]): void {
  if (findings.length > 0) {
    throw new ValidationError(
      `${name}: ${findings.map((f) => `${f.path} ${f.message}`).join("; ")}`,
      findings,
    );
  }
}

/** Start a new run: its start document and the composers of everything else in it. */
export function composeRun(
  metadata: Record<string, unknown> = {},
  options: ComposeRunOptions = {},
): ComposedRun {
  const start: RunStart = checked("start", {
    ...metadata,
    uid: options.uid ?? randomUUID(),
    time: options.time ?? now(),
  });
  /** Next seq_num per stream name: descriptors of one name share it. */
  const nextSeq = new Map<string, number>();
  let stopped = false;
  const ensureOpen = (what: string) => {
    if (stopped) throw new ConflictError(`cannot compose a ${what}: run ${start.uid} is already stopped`);
  };

  function composeDescriptor(spec: DescriptorSpec): ComposedDescriptor {
    ensureOpen("descriptor");
    const { uid, time, name = "primary", ...rest } = spec;
    const descriptor: EventDescriptor = checked("descriptor", {
      ...rest,
      name,
      uid: uid ?? randomUUID(),
      time: time ?? now(),
      run_start: start.uid,
    });
    if (!nextSeq.has(name)) nextSeq.set(name, 1);
    const keys = streamKeysOf(descriptor.data_keys);
    const keyFindings = (
      docName: DocumentName,
      data: Record<string, unknown>,
      timestamps: Record<string, unknown>,
      filled: Record<string, unknown> | undefined,
    ): Finding[] =>
      eventKeyProblems(keys, data, timestamps, filled).map((problem) => ({ name: docName, ...problem }));

    return {
      descriptor,
      composeEvent(event: EventSpec): Event {
        ensureOpen("event");
        rejectKeyProblems("event", keyFindings("event", event.data, event.timestamps, event.filled));
        const seq_num = event.seq_num ?? nextSeq.get(name)!;
        nextSeq.set(name, seq_num + 1);
        const composed: Event = {
          uid: event.uid ?? randomUUID(),
          descriptor: descriptor.uid,
          seq_num,
          time: event.time ?? now(),
          data: event.data,
          timestamps: event.timestamps,
        };
        if (event.filled !== undefined) composed.filled = event.filled;
        return checked("event", composed);
      },
      composeEventPage(page: EventPageSpec): EventPage {
        ensureOpen("event_page");
        rejectKeyProblems("event_page", keyFindings("event_page", page.data, page.timestamps, page.filled));
        const columns: Record<string, unknown[] | undefined> = {
          seq_num: page.seq_num,
          uid: page.uid,
          time: page.time,
          ...Object.fromEntries(Object.entries(page.data).map(([key, column]) => [`data.${key}`, column])),
          ...Object.fromEntries(
            Object.entries(page.timestamps).map(([key, column]) => [`timestamps.${key}`, column]),
          ),
          ...Object.fromEntries(
            Object.entries(page.filled ?? {}).map(([key, column]) => [`filled.${key}`, column]),
          ),
        };
        const given = Object.entries(columns).filter(
          (entry): entry is [string, unknown[]] => entry[1] !== undefined,
        );
        if (given.length === 0) throw new ValidationError("event_page: no column tells the number of rows");
        const rows = given[0][1].length;
        rejectKeyProblems(
          "event_page",
          given
            .filter(([, column]) => column.length !== rows)
            .map(([path, column]) => ({
              name: "event_page",
              path,
              rule: "page-length",
              message: `${column.length} values for a page of ${rows} rows (from ${given[0][0]})`,
            })),
        );
        const first = nextSeq.get(name)!;
        const seq_num = page.seq_num ?? Array.from({ length: rows }, (_, i) => first + i);
        if (rows > 0) nextSeq.set(name, seq_num[rows - 1] + 1);
        const time = now();
        const composed: EventPage = {
          uid: page.uid ?? Array.from({ length: rows }, () => randomUUID()),
          descriptor: descriptor.uid,
          seq_num,
          time: page.time ?? seq_num.map(() => time),
          data: page.data,
          timestamps: page.timestamps,
        };
        if (page.filled !== undefined) composed.filled = page.filled;
        return checked("event_page", composed);
      },
    };
  }

  function composeResource(spec: ResourceSpec): ComposedResource {
    ensureOpen("resource");
    const { uid, resource_kwargs = {}, ...rest } = spec;
    const resource: Resource = checked("resource", {
      ...rest,
      resource_kwargs,
      uid: uid ?? randomUUID(),
      run_start: start.uid,
    });
    let nextDatum = 0;
    const nextDatumId = () => `${resource.uid}/${nextDatum++}`;
    return {
      resource,
      composeDatum(datum_kwargs = {}): Datum {
        ensureOpen("datum");
        return checked("datum", { datum_id: nextDatumId(), resource: resource.uid, datum_kwargs });
      },
      composeDatumPage(datum_kwargs): DatumPage {
        ensureOpen("datum_page");
        const lengths = new Set(Object.values(datum_kwargs).map((column) => column.length));
        if (lengths.size !== 1) {
          throw new ValidationError(`datum_page: datum_kwargs columns must have one common, known length`);
        }
        const [rows] = lengths;
        const datum_id = Array.from({ length: rows }, nextDatumId);
        return checked("datum_page", { datum_id, resource: resource.uid, datum_kwargs });
      },
    };
  }

  function composeStreamResource(spec: StreamResourceSpec): ComposedStreamResource {
    ensureOpen("stream_resource");
    const { uid, parameters = {}, ...rest } = spec;
    const streamResource: StreamResource = checked("stream_resource", {
      ...rest,
      parameters,
      uid: uid ?? randomUUID(),
      run_start: start.uid,
    });
    let nextDatum = 0;
    let nextSeqNum = 1;
    return {
      streamResource,
      composeStreamDatum({ descriptor, indices, seq_nums }): StreamDatum {
        ensureOpen("stream_datum");
        const range = seq_nums ?? { start: nextSeqNum, stop: nextSeqNum + (indices.stop - indices.start) };
        nextSeqNum = range.stop;
        return checked("stream_datum", {
          uid: `${streamResource.uid}/${nextDatum++}`,
          stream_resource: streamResource.uid,
          descriptor: descriptor.uid,
          indices: { ...indices },
          seq_nums: { ...range },
        });
      },
    };
  }

  function composeStop(spec: StopSpec = {}): RunStop {
    ensureOpen("stop");
    stopped = true;
    const num_events = Object.fromEntries([...nextSeq].map(([stream, next]) => [stream, next - 1]));
    return checked("stop", {
      uid: spec.uid ?? randomUUID(),
      time: spec.time ?? now(),
      run_start: start.uid,
      exit_status: spec.exit_status ?? "success",
      reason: spec.reason ?? "",
      num_events,
    });
  }

  return { start, composeDescriptor, composeResource, composeStreamResource, composeStop };
}
