// The runs of a mongo_normalized dump (one Mongo document per start, stop, descriptor, event, resource and
// datum), streamed run by run in constant memory whatever the size of event.bson.
//
// Ordering: a first pass indexes every collection by byte offset — per run, the extents (byte ranges) of
// event.bson that hold its events, grown while consecutive records belong to the same run, so a dump in
// insertion order (what mongodump gives of collections written by suitcase-mongo) costs one extent per run and
// memory grows with runs, not events; interleaved runs only cost more extents. A second pass follows
// run_start.bson and gives each run in full: start, its descriptors by time (as readers sort them), its
// Resources and their Datums, its events in file order, its stop. Events are in seq_num order per descriptor
// when the dump keeps insertion order; a run where the index pass saw a seq_num go down (a dump of a collection
// whose records moved) is re-sorted by seq_num, descriptor after descriptor (sortedBySeqNum).
import { UnreadableError } from "../../../errors.ts";
import type { DocumentItem } from "../DocumentStream.ts";
import { topLevelField } from "./bsonDecode.ts";
import { type BsonRecord, bsonRecords, bsonRecordsIn, type Extent, extend } from "./bsonFile.ts";
import {
  Batches,
  decodeRecord,
  decodeRecordWithId,
  documentsIn,
  indexPass,
  type MongoReadOptions,
  noteRevisions,
} from "./dumpRecords.ts";
import type { MongoDump } from "./mongoDump.ts";
import { completeAfterDamage, noteHeldBack } from "./runCompleteness.ts";

interface DescriptorEntry {
  extent: Extent;
  time: number;
  uid: string;
}

interface ResourceEntry {
  uid: string;
  extent: Extent;
}

class NormalizedIndex {
  readonly failures: UnreadableError[] = [];
  readonly stops = new Map<string, Extent>();
  readonly descriptorsOf = new Map<string, DescriptorEntry[]>();
  readonly runOfDescriptor = new Map<string, string>();
  readonly streamOfDescriptor = new Map<string, string>();
  readonly externalKeysOf = new Map<string, string[]>();
  readonly resourcesOf = new Map<string, ResourceEntry[]>();
  /** Resource uid, or the hex of its ObjectId `_id` -> the uid readers give it and where it lies. */
  readonly resources = new Map<string, ResourceEntry>();
  /** Resources that name no run_start (old ones): their run is found through the events that use them. */
  readonly unplaced = new Set<string>();
  /** datum_id -> resource uid, for the datums of unplaced Resources only. */
  readonly datumOwner = new Map<string, string>();
  readonly datumsOf = new Map<string, Extent[]>();
  readonly eventsOf = new Map<string, Extent[]>();
  readonly eventCounts = new Map<string, number>();
  /** The last seq_num met per descriptor, and the runs where one went down (their events get sorted). */
  readonly lastSeqNum = new Map<string, number>();
  readonly unordered = new Set<string>();
  strayEvents = 0;
  strayDatums = 0;
}

const at = (record: BsonRecord): Extent => ({ start: record.offset, end: record.offset + record.length });

async function buildIndex(dump: MongoDump, options: MongoReadOptions): Promise<NormalizedIndex> {
  const index = new NormalizedIndex();
  const { files } = dump;
  const path = (collection: string) => files.get(collection);
  await indexPass(path("resource"), index.failures, options, (record) => {
    const { doc, objectId } = decodeRecordWithId(record, path("resource")!);
    const uid = typeof doc.uid === "string" ? doc.uid : objectId;
    if (uid === undefined) return;
    const entry = { uid, extent: at(record) };
    if (!index.resources.has(uid)) index.resources.set(uid, entry);
    if (objectId !== undefined) index.resources.set(objectId, entry);
    if (typeof doc.run_start === "string") push(index.resourcesOf, doc.run_start, entry);
    else index.unplaced.add(uid);
  });
  await indexPass(path("datum"), index.failures, options, (record) => {
    const key = topLevelField(record.bytes, record.start, "resource");
    const uid = typeof key === "string" ? index.resources.get(key)?.uid : undefined;
    if (uid === undefined) {
      index.strayDatums++;
      return;
    }
    extend(listOf(index.datumsOf, uid), record.offset, record.length);
    if (!index.unplaced.has(uid)) return;
    const datumId = topLevelField(record.bytes, record.start, "datum_id");
    if (typeof datumId === "string") index.datumOwner.set(datumId, uid);
  });
  await indexPass(path("event_descriptor"), index.failures, options, (record) => {
    const doc = decodeRecord(record, path("event_descriptor")!);
    if (typeof doc.uid !== "string" || typeof doc.run_start !== "string") return;
    index.runOfDescriptor.set(doc.uid, doc.run_start);
    index.streamOfDescriptor.set(doc.uid, typeof doc.name === "string" ? doc.name : "primary");
    const dataKeys = (doc.data_keys ?? {}) as Record<string, { external?: unknown }>;
    const external = Object.keys(dataKeys).filter((key) => dataKeys[key]?.external);
    if (external.length > 0) index.externalKeysOf.set(doc.uid, external);
    const time = typeof doc.time === "number" ? doc.time : 0;
    push(index.descriptorsOf, doc.run_start, { extent: at(record), time, uid: doc.uid });
  });
  await indexPass(path("run_stop"), index.failures, options, (record) => {
    const run = topLevelField(record.bytes, record.start, "run_start");
    if (typeof run === "string" && !index.stops.has(run)) index.stops.set(run, at(record));
  });
  await indexPass(path("event"), index.failures, options, (record) => {
    const descriptor = topLevelField(record.bytes, record.start, "descriptor");
    const run = typeof descriptor === "string" ? index.runOfDescriptor.get(descriptor) : undefined;
    if (run === undefined) {
      index.strayEvents++;
      return;
    }
    extend(listOf(index.eventsOf, run), record.offset, record.length);
    index.eventCounts.set(descriptor as string, (index.eventCounts.get(descriptor as string) ?? 0) + 1);
    const seqNum = topLevelField(record.bytes, record.start, "seq_num");
    if (typeof seqNum === "number") {
      if (seqNum < (index.lastSeqNum.get(descriptor as string) ?? Number.NEGATIVE_INFINITY))
        index.unordered.add(run);
      index.lastSeqNum.set(descriptor as string, seqNum);
    }
    const external = index.unplaced.size > 0 ? index.externalKeysOf.get(descriptor as string) : undefined;
    if (external !== undefined) placeResources(index, run, decodeRecord(record, path("event")!), external);
  });
  return index;
}

/** Gives the unplaced Resources whose Datums this event names to the event's run. */
function placeResources(index: NormalizedIndex, run: string, event: Record<string, unknown>, keys: string[]) {
  const data = (event.data ?? {}) as Record<string, unknown>;
  for (const key of keys) {
    const datumId = data[key];
    if (typeof datumId !== "string") continue;
    // databroker's datum_ids are `<resource uid>/<n>`; older ones are looked up.
    const uid = index.datumOwner.get(datumId) ?? datumId.split("/")[0];
    if (!index.unplaced.delete(uid)) continue;
    const resource = index.resources.get(uid);
    if (resource !== undefined) push(index.resourcesOf, run, resource);
  }
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  listOf(map, key).push(item);
}

/** Every run of the dump as documents, in run_start order; damage anywhere is thrown after the last run. */
export async function* normalizedRuns(
  dump: MongoDump,
  options: MongoReadOptions,
): AsyncGenerator<readonly DocumentItem[]> {
  const index = await buildIndex(dump, options);
  await noteRevisions(dump.files, options);
  const { files } = dump;
  const batches = new Batches();
  const heldBack: string[] = [];
  const startPath = files.get("run_start")!;
  try {
    for await (const batch of bsonRecords(startPath)) {
      for (const record of batch) {
        const start = decodeRecord(record, startPath);
        const uid = String(start.uid);
        const stopExtent = index.stops.get(uid);
        const stop = stopExtent ? await first(documentsIn(files.get("run_stop")!, [stopExtent])) : undefined;
        const descriptors = (index.descriptorsOf.get(uid) ?? []).sort((a, b) => a.time - b.time);
        if (index.failures.length > 0) {
          const counts = new Map<string, number>();
          for (const { uid: descriptor } of descriptors) {
            const stream = index.streamOfDescriptor.get(descriptor)!;
            counts.set(stream, (counts.get(stream) ?? 0) + (index.eventCounts.get(descriptor) ?? 0));
          }
          if (!completeAfterDamage(stop, counts)) {
            heldBack.push(uid);
            continue;
          }
        }
        yield* runDocuments(index, dump, start, descriptors, stop, batches);
      }
    }
  } catch (error) {
    if (!(error instanceof UnreadableError)) throw error;
    index.failures.push(error);
  }
  if (batches.size > 0) yield batches.take();
  noteLeftOut(index, dump, options);
  noteHeldBack(heldBack, options);
  if (index.failures.length > 0) throw index.failures[0];
}

async function* runDocuments(
  index: NormalizedIndex,
  { files }: MongoDump,
  start: Record<string, unknown>,
  descriptors: DescriptorEntry[],
  stop: Record<string, unknown> | undefined,
  batches: Batches,
): AsyncGenerator<readonly DocumentItem[]> {
  const uid = String(start.uid);
  let full = batches.push("start", start);
  if (full) yield full;
  const descriptorPath = files.get("event_descriptor")!;
  for (const { extent } of descriptors) {
    const doc = await first(documentsIn(descriptorPath, [extent]));
    if (doc && (full = batches.push("descriptor", doc))) yield full;
  }
  for (const { uid: resourceUid, extent } of index.resourcesOf.get(uid) ?? []) {
    const resource = await first(documentsIn(files.get("resource")!, [extent]));
    if (resource === undefined) continue;
    resource.uid = resourceUid; // a Resource known by its ObjectId only is given it as uid
    if ((full = batches.push("resource", resource))) yield full;
    for await (const datum of documentsIn(files.get("datum")!, index.datumsOf.get(resourceUid) ?? [])) {
      datum.resource = resourceUid; // an ObjectId reference (very old datums) becomes the uid
      if ((full = batches.push("datum", datum))) yield full;
    }
  }
  const eventPath = files.get("event");
  if (eventPath !== undefined) {
    const extents = index.eventsOf.get(uid) ?? [];
    const ordered = index.unordered.has(uid) ? await sortedBySeqNum(eventPath, extents) : extents;
    for await (const event of documentsIn(eventPath, ordered)) {
      // Readers add `filled` when the stored event has none: false for every external key.
      if (event.filled === undefined) {
        const external = index.externalKeysOf.get(String(event.descriptor)) ?? [];
        event.filled = Object.fromEntries(external.map((key) => [key, false]));
      }
      if ((full = batches.push("event", event))) yield full;
    }
  }
  if (stop && (full = batches.push("stop", stop))) yield full;
}

/**
 * The extents of a run's events re-cut so that each descriptor's events come in seq_num order, descriptor after
 * descriptor: for a dump whose records are not in insertion order. It holds an offset and a seq_num per event
 * of this one run (16 bytes each), the only place memory grows with events.
 */
async function sortedBySeqNum(path: string, extents: readonly Extent[]): Promise<Extent[]> {
  const events: Array<{ descriptor: string; seqNum: number; offset: number; length: number }> = [];
  for await (const batch of bsonRecordsIn(path, extents)) {
    for (const record of batch) {
      const descriptor = String(topLevelField(record.bytes, record.start, "descriptor"));
      const seqNum = Number(topLevelField(record.bytes, record.start, "seq_num"));
      events.push({ descriptor, seqNum, offset: record.offset, length: record.length });
    }
  }
  const firstSeen = new Map<string, number>();
  for (const event of events)
    if (!firstSeen.has(event.descriptor)) firstSeen.set(event.descriptor, firstSeen.size);
  events.sort(
    (a, b) =>
      firstSeen.get(a.descriptor)! - firstSeen.get(b.descriptor)! ||
      a.seqNum - b.seqNum ||
      a.offset - b.offset,
  );
  const sorted: Extent[] = [];
  for (const event of events) extend(sorted, event.offset, event.length);
  return sorted;
}

async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}

function noteLeftOut(index: NormalizedIndex, { files }: MongoDump, options: MongoReadOptions): void {
  const note = options.onNote ?? (() => {});
  if (index.strayEvents > 0)
    note(`${files.get("event")}: ${index.strayEvents} event(s) of descriptors not in the dump not imported`);
  if (index.strayDatums > 0)
    note(`${files.get("datum")}: ${index.strayDatums} datum(s) of Resources not in the dump not imported`);
  if (index.unplaced.size > 0)
    note(
      `${files.get("resource")}: ${index.unplaced.size} Resource(s) of no run (none of its events uses them) not imported`,
    );
}
