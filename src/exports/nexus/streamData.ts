// One stream of a run as an NXdata group: every data_key a dataset as long as the stream has events, with
// `time` and `seq_num`, read chunk by chunk (external data filled) so memory holds about one chunk. Fields
// the name map places elsewhere are written there and hard-linked into the NXdata under their own names.
import type { Dataset, Group } from "h5wasm/node";
import type { RunLike, StreamLike } from "../../broker/BrokerLike.ts";
import { declaredShape, fieldSource } from "../../broker/dataKeys.ts";
import type { DataKey } from "../../documents/types.ts";
import { DatabrokerError } from "../../errors.ts";
import { isNumeric, itemSize } from "../../tables/DType.ts";
import { dtypeFromDataKey } from "../../tables/numpyDtype.ts";
import { columnValues } from "./columnValues.ts";
import type { EntryPlaces } from "./entryPlaces.ts";
import { FieldWriter, type StoredKind } from "./fieldWriter.ts";
import type { NexusNameMap } from "./nameMap.ts";
import { hdf5Name } from "./nexusPath.ts";
import { plotHints } from "./plotHints.ts";

/** Bytes a chunk of events is read in (about), whatever the size of one event. */
const CHUNK_READ_BYTES = 32 * 2 ** 20;
const MAX_CHUNK_EVENTS = 50_000;

/** Events per chunk read, from the declared size of one event's values (8 bytes an element if undeclared). */
export function eventsPerChunk(dataKeys: Readonly<Record<string, DataKey>>): number {
  let eventBytes = 16; // time, seq_num
  for (const dataKey of Object.values(dataKeys)) {
    const dtype = dtypeFromDataKey(dataKey);
    const elements = declaredShape(dataKey).reduce((product, n) => product * n, 1);
    eventBytes += (dtype ? (itemSize(dtype) ?? 8) : 8) * Math.max(1, elements);
  }
  return Math.max(1, Math.min(MAX_CHUNK_EVENTS, Math.floor(CHUNK_READ_BYTES / eventBytes)));
}

/** The shape of one event's value: a StreamResource key declares the row axis too ([1, h, w]). */
function eventShape(dataKey: DataKey): number[] {
  const shape = declaredShape(dataKey);
  return fieldSource(dataKey) === "stream" ? shape.slice(1) : shape;
}

/** The device (object_keys) that reads each field of the stream. */
function devicesOf(stream: StreamLike): Map<string, string> {
  const devices = new Map<string, string>();
  for (const descriptor of stream.descriptors)
    for (const [device, fields] of Object.entries(descriptor.object_keys ?? {}))
      for (const field of fields as string[]) if (!devices.has(field)) devices.set(field, device);
  return devices;
}

function storedKindOf(values: ReturnType<typeof columnValues>): StoredKind {
  return values.kind === "numbers" ? { kind: "numbers", dtype: values.dtype } : { kind: "text" };
}

function widened(a: StoredKind | undefined, b: StoredKind): StoredKind {
  if (a === undefined) return b;
  if (a.kind === "text" || b.kind === "text") return { kind: "text" };
  if (a.dtype === b.dtype) return a;
  return isNumeric(a.dtype) && isNumeric(b.dtype) ? { kind: "numbers", dtype: "float64" } : { kind: "text" };
}

/**
 * The stored kind of each inline scalar field over the whole stream, read beforehand when the stream
 * spans several chunks: a chunk decides its own column types, and an int field with a gap in a later
 * chunk must be float64 (NaN for the gap) from the first row on.
 */
async function surveyKinds(stream: StreamLike, size: number): Promise<Map<string, StoredKind>> {
  const kinds = new Map<string, StoredKind>();
  const scalars = stream.fields.filter((field) => {
    const dataKey = stream.dataKeys[field];
    return fieldSource(dataKey) === "inline" && declaredShape(dataKey).length === 0;
  });
  if (scalars.length === 0) return kinds;
  let chunks = 0;
  for await (const chunk of stream.chunks({ fields: scalars, size, fill: false })) {
    chunks++;
    for (const field of scalars)
      kinds.set(field, widened(kinds.get(field), storedKindOf(columnValues(chunk.column(field)))));
  }
  return chunks > 1 ? kinds : new Map();
}

interface FieldOutput {
  writer: FieldWriter;
  dataKey: DataKey;
  /** The dataset's absolute path when the name map placed it outside the NXdata. */
  mappedTo?: string;
}

function setDataKeyAttributes(dataset: Dataset, dataKey: DataKey): void {
  if (typeof dataKey.units === "string" && dataKey.units !== "")
    dataset.create_attribute("units", dataKey.units);
  if (typeof dataKey.source === "string") dataset.create_attribute("source", dataKey.source);
  dataset.create_attribute("dtype", String(dataKey.dtype));
  const shape = declaredShape(dataKey);
  if (shape.length > 0) dataset.create_attribute("shape", shape);
  if (typeof dataKey.external === "string") dataset.create_attribute("external", dataKey.external);
}

/** Writes `stream` of `run` into the new NXdata `group`, `chunkEvents` events at a time (default: ~32 MiB). */
export async function writeStreamData(
  run: RunLike,
  stream: StreamLike,
  group: Group,
  names: NexusNameMap,
  places: EntryPlaces,
  chunkEvents?: number,
): Promise<void> {
  const where = (field: string) => `run ${run.uid} stream ${stream.name} field ${field}`;
  const size = chunkEvents ?? eventsPerChunk(stream.dataKeys);
  const kinds = await surveyKinds(stream, size);
  const devices = devicesOf(stream);
  const outputs = new Map<string, FieldOutput>();
  const ownName = new Map<string, string>();
  for (const field of stream.fields) {
    const dataKey = stream.dataKeys[field];
    const name = hdf5Name(field);
    ownName.set(field, name);
    const isImage = eventShape(dataKey).length >= 2;
    const place = names.placeOf({ field, device: devices.get(field), isImage });
    const mapped = place && places.claim(place);
    const target = mapped ?? group;
    const datasetName = mapped ? place!.field : name;
    outputs.set(field, {
      writer: new FieldWriter(target, datasetName, where(field), kinds.get(field)),
      dataKey,
      mappedTo: mapped ? `${mapped.path}/${datasetName}` : undefined,
    });
  }
  const time = new FieldWriter(group, "time", where("time"));
  const seqNum = new FieldWriter(group, "seq_num", where("seq_num"));
  try {
    for await (const chunk of stream.chunks({ size, fill: true })) {
      const last = chunk.length < size;
      time.append(chunk.column("time"), last);
      seqNum.append(chunk.column("seq_num"), last);
      for (const [field, output] of outputs) output.writer.append(chunk.column(field), last);
    }
  } catch (error) {
    // Errors of the broker's read (a file that cannot be filled) get the run and stream said; the
    // writer's own errors name them already.
    if (error instanceof DatabrokerError && !error.message.startsWith(`run ${run.uid} `)) {
      const external = stream.fields.filter((field) => fieldSource(stream.dataKeys[field]) !== "inline");
      const filling = external.length > 0 ? ` (filling external ${external.join(", ")})` : "";
      error.message = `run ${run.uid} stream ${stream.name}${filling}: ${error.message}`;
    }
    throw error;
  }
  time.finish([], "float64").create_attribute("units", "s");
  seqNum.finish([], "int32"); // as the broker reads seq_num
  const ranks = new Map<string, number>();
  for (const [field, output] of outputs) {
    const { dataKey } = output;
    const numericDType = dtypeFromDataKey(dataKey);
    const dataset = output.writer.finish(eventShape(dataKey), numericDType);
    setDataKeyAttributes(dataset, dataKey);
    ranks.set(field, Math.max(0, (dataset.shape?.length ?? 1) - 1));
    if (output.mappedTo) {
      dataset.create_attribute("target", output.mappedTo);
      group.create_hard_link(output.mappedTo, ownName.get(field)!);
    }
  }
  const hints = plotHints(
    run.start,
    stream.name,
    stream.descriptors,
    stream.dataKeys,
    (field) => ranks.get(field) ?? 0,
  );
  group.create_attribute("signal", ownName.get(hints.signal) ?? hints.signal);
  group.create_attribute(
    "axes",
    hints.axes.map((axis) => ownName.get(axis) ?? axis),
  );
  for (const axis of hints.scanAxes) group.create_attribute(`${ownName.get(axis) ?? axis}_indices`, 0);
}
