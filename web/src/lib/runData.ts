// A run as the run page reads it: its metadata (by uid, or by alias `beamline/proposal/beamtime/scan`), and
// each stream's descriptors and fields (dtype, shape, units, source) from the stream's `data` container.
import { apiPath, getJson } from "./api.ts";
import type { DataKey, DataType, Descriptor, Item, Page, RunMetadata, StreamMetadata } from "./runs.ts";

export interface FieldInfo {
  name: string;
  dataType: DataType;
  /** The whole array's shape: events first, then each event's value's. */
  shape: number[];
  units?: string;
  source?: string;
  dataKey?: DataKey;
}

export interface StreamInfo {
  name: string;
  descriptors: Descriptor[];
  fields: FieldInfo[];
}

export interface LoadedRun {
  uid: string;
  metadata: RunMetadata;
  streams: StreamInfo[];
}

/** Whether a field holds one number per event (what a line plot and the table show). */
export function isScalar(field: FieldInfo): boolean {
  return field.shape.length === 1 && "fiub".includes(field.dataType.kind);
}

/** Whether a field holds an array per event: 2-D or more is an image, 1-D a line. */
export function eventDims(field: FieldInfo): number {
  return field.shape.length - 1;
}

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The newest run a search finds (the `offset`-th newest), or an error naming the reference. */
async function newestMatching(ref: string, query: string, offset: number, signal?: AbortSignal) {
  const params: Array<[string, string]> = [
    ["sort", "-time"],
    ["page[offset]", String(offset)],
    ["page[limit]", "1"],
  ];
  if (query) params.unshift(["filter[query][condition][text]", query]);
  const page = await getJson<Page<RunMetadata>>(apiPath(["search", ""], params), { signal });
  if (page.data.length === 0) throw new Error(`no run you may read is ${JSON.stringify(ref)}`);
  return page.data[0];
}

/**
 * A run by any reference people use: a uid, an alias (`beamline/proposal/beamtime/scan`), a scan_id (the
 * newest run with it), `-N` (the N-th most recent run) or the first characters of a uid.
 */
export async function loadRunMetadata(ref: string, signal?: AbortSignal): Promise<Item<RunMetadata>> {
  const text = ref.trim();
  if (text.includes("/")) {
    const segments = ["alias", ...text.replace(/^\//, "").split("/")];
    return (await getJson<{ data: Item<RunMetadata> }>(apiPath(segments), { signal })).data;
  }
  if (UID.test(text))
    return (await getJson<{ data: Item<RunMetadata> }>(apiPath(["metadata", text]), { signal })).data;
  if (/^-\d+$/.test(text)) return newestMatching(text, "", Number(text.slice(1)) - 1, signal);
  if (/^\d+$/.test(text)) return newestMatching(text, `scan_id == ${text}`, 0, signal);
  return newestMatching(text, `partialUid(${JSON.stringify(text)})`, 0, signal);
}

/** The server's most items per page. */
const PAGE_LIMIT = 300;

/** Every child of a container, a page at a time. */
async function allChildren<M>(segments: string[], signal: AbortSignal): Promise<Item<M>[]> {
  const items: Item<M>[] = [];
  for (;;) {
    const page = await getJson<Page<M>>(
      apiPath(segments, [
        ["page[offset]", String(items.length)],
        ["page[limit]", String(PAGE_LIMIT)],
      ]),
      { signal },
    );
    items.push(...page.data);
    if (page.data.length === 0 || items.length >= page.meta.count) return items;
  }
}

async function loadStream(uid: string, name: string, signal: AbortSignal): Promise<StreamInfo> {
  const [stream, children] = await Promise.all([
    getJson<{ data: Item<StreamMetadata> }>(apiPath(["metadata", uid, name]), { signal }),
    allChildren<{ attrs?: { units?: string; source?: string } }>(["search", uid, name, "data"], signal),
  ]);
  const data = { data: children };
  const descriptors = stream.data.attributes.metadata.descriptors ?? [];
  const dataKeys = Object.assign({}, ...descriptors.map((d) => d.data_keys)) as Record<string, DataKey>;
  const fields = data.data
    .filter((item) => item.attributes.structure_family === "array" && item.attributes.structure?.data_type)
    .map((item) => ({
      name: item.id,
      dataType: item.attributes.structure!.data_type!,
      shape: item.attributes.structure!.shape ?? [],
      units: item.attributes.metadata.attrs?.units,
      source: item.attributes.metadata.attrs?.source,
      dataKey: dataKeys[item.id],
    }));
  return { name, descriptors, fields };
}

/**
 * A run loaded by another reference (scan_id, alias, prefix), handed once to the view that its uid's address
 * opens next (the run view rewrites the address to the uid): the run is not read twice in a row.
 */
let handedOver: { run: LoadedRun; at: number } | undefined;
const HAND_OVER_MS = 5_000;

export async function loadRun(ref: string, signal: AbortSignal): Promise<LoadedRun> {
  if (handedOver && handedOver.run.uid === ref && Date.now() - handedOver.at < HAND_OVER_MS) {
    const { run } = handedOver;
    handedOver = undefined;
    return run;
  }
  const item = await loadRunMetadata(ref, signal);
  const metadata = item.attributes.metadata;
  const streams = await Promise.all(
    metadata.summary.stream_names.map((name) => loadStream(item.id, name, signal)),
  );
  const run = { uid: item.id, metadata, streams };
  if (run.uid !== ref) handedOver = { run, at: Date.now() };
  return run;
}

/** The stream a run's plots start on: the one its hints name, else `primary`, else the first. */
export function defaultStream(run: LoadedRun): string | undefined {
  const dimensions = (run.metadata.start.hints as { dimensions?: Array<[string[], string]> } | undefined)
    ?.dimensions;
  const hinted = dimensions?.[0]?.[1];
  const names = run.streams.map((s) => s.name);
  if (hinted && names.includes(hinted)) return hinted;
  return names.includes("primary") ? "primary" : names[0];
}
