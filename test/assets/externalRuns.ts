// Small runs whose one field `img` is external: a Resource (any spec, root, resource_path) with one datum,
// or a StreamResource (any mimetype, uri) with one StreamDatum — what the file-root tests point anywhere.
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";

export interface ExternalRun {
  uid: string;
  documents: DocumentPair[];
}

export interface ResourceRunSpec {
  spec: string;
  root: string;
  resource_path: string;
  resource_kwargs?: Record<string, unknown>;
  datum_kwargs?: Record<string, unknown>;
  /** What the descriptor declares of `img` (default: shape [2], float64). */
  shape?: number[];
  dtype_numpy?: string;
}

/** start, descriptor, resource, datum, one event holding the datum id, stop. */
export function resourceRun(spec: ResourceRunSpec): ExternalRun {
  const run = composeRun({ plan_name: "external" });
  const img: DataKey = {
    dtype: "array",
    dtype_numpy: spec.dtype_numpy ?? "<f8",
    shape: spec.shape ?? [2],
    source: "test",
    external: "FILESTORE:",
  };
  const stream = run.composeDescriptor({ name: "primary", data_keys: { img } });
  const resource = run.composeResource({
    spec: spec.spec,
    root: spec.root,
    resource_path: spec.resource_path,
    resource_kwargs: spec.resource_kwargs ?? {},
  });
  const datum = resource.composeDatum(spec.datum_kwargs ?? {});
  const event = stream.composeEvent({
    data: { img: datum.datum_id },
    timestamps: { img: 1 },
    filled: { img: false },
  });
  return {
    uid: run.start.uid,
    documents: [
      ["start", run.start],
      ["descriptor", stream.descriptor],
      ["resource", resource.resource],
      ["datum", datum],
      ["event", event],
      ["stop", run.composeStop()],
    ],
  };
}

export interface StreamRunSpec {
  mimetype: string;
  uri: string;
  parameters: Record<string, unknown>;
  /** Rows the StreamDatum covers, each of `shape` (the row axis included, as bluesky declares it). */
  rows: number;
  shape: number[];
  dtype_numpy: string;
}

/** start, descriptor, stream_resource, one stream_datum over `rows` rows, stop. */
export function streamRun(spec: StreamRunSpec): ExternalRun {
  const run = composeRun({ plan_name: "external-stream" });
  const img: DataKey = {
    dtype: "array",
    dtype_numpy: spec.dtype_numpy,
    shape: spec.shape,
    source: "test",
    external: "STREAM:",
  };
  const stream = run.composeDescriptor({ name: "primary", data_keys: { img } });
  const resource = run.composeStreamResource({
    data_key: "img",
    mimetype: spec.mimetype,
    uri: spec.uri,
    parameters: spec.parameters,
  });
  const datum = resource.composeStreamDatum({
    descriptor: stream.descriptor,
    indices: { start: 0, stop: spec.rows },
  });
  return {
    uid: run.start.uid,
    documents: [
      ["start", run.start],
      ["descriptor", stream.descriptor],
      ["stream_resource", resource.streamResource],
      ["stream_datum", datum],
      ["stop", run.composeStop()],
    ],
  };
}
