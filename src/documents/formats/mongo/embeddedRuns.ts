// The runs of a mongo_embedded dump (databroker 1.x, suitcase-mongo's embedded serializer): `header` holds one
// record per run ({run_id, start: [doc], stop: [doc], descriptors: [...], resources: [...], count_<descriptor
// uid>: n}), `event` event pages per descriptor ({descriptor, uid[], time[], seq_num[], data{k: []},
// timestamps{k: []}, filled{k: []}, first_index, last_index, size}) and `datum` datum pages per Resource
// ({resource, datum_id[], datum_kwargs{k: []}, first_index, last_index, size}).
// Ordering: a first pass indexes the pages by offset per descriptor / Resource with their first_index (pages
// hold up to megabytes, so there are few); each run then reads its pages sorted by first_index, as readers do.
import { UnreadableError } from "../../../errors.ts";
import type { DocumentItem } from "../DocumentStream.ts";
import { topLevelField } from "./bsonDecode.ts";
import { bsonRecords, type Extent } from "./bsonFile.ts";
import {
  Batches,
  decodeRecord,
  documentsIn,
  indexPass,
  type MongoReadOptions,
  noteRevisions,
} from "./dumpRecords.ts";
import type { MongoDump } from "./mongoDump.ts";
import { completeAfterDamage, noteHeldBack } from "./runCompleteness.ts";

interface Page {
  extent: Extent;
  first: number;
  count: number;
}

type PagesOf = Map<string, Page[]>;

async function indexPages(
  path: string | undefined,
  key: string,
  failures: UnreadableError[],
  options: MongoReadOptions,
): Promise<PagesOf> {
  const pages: PagesOf = new Map();
  await indexPass(path, failures, options, (record) => {
    const owner = topLevelField(record.bytes, record.start, key);
    if (typeof owner !== "string") return;
    const first = Number(topLevelField(record.bytes, record.start, "first_index") ?? 0);
    const last = Number(topLevelField(record.bytes, record.start, "last_index") ?? first - 1);
    let list = pages.get(owner);
    if (list === undefined) pages.set(owner, (list = []));
    list.push({
      extent: { start: record.offset, end: record.offset + record.length },
      first,
      count: last - first + 1,
    });
  });
  for (const list of pages.values()) list.sort((a, b) => a.first - b.first);
  return pages;
}

const PAGE_BOOKKEEPING = ["size", "first_index", "last_index"];

/** Every run of the dump as documents, in header order; damage anywhere is thrown after the last run. */
export async function* embeddedRuns(
  dump: MongoDump,
  options: MongoReadOptions,
): AsyncGenerator<readonly DocumentItem[]> {
  const failures: UnreadableError[] = [];
  const eventPath = dump.files.get("event");
  const datumPath = dump.files.get("datum");
  const eventPages = await indexPages(eventPath, "descriptor", failures, options);
  const datumPages = await indexPages(datumPath, "resource", failures, options);
  await noteRevisions(dump.files, options);
  const headerPath = dump.files.get("header")!;
  const batches = new Batches();
  const heldBack: string[] = [];
  let full: readonly DocumentItem[] | undefined;
  try {
    for await (const batch of bsonRecords(headerPath)) {
      for (const record of batch) {
        const header = decodeRecord(record, headerPath);
        const start = (header.start as Record<string, unknown>[] | undefined)?.[0];
        if (start === undefined) continue; // a header being written when the dump was taken: no run yet
        const stop = (header.stop as Record<string, unknown>[] | undefined)?.[0];
        const descriptors = (header.descriptors ?? []) as Record<string, unknown>[];
        const resources = (header.resources ?? []) as Record<string, unknown>[];
        if (failures.length > 0 && !whole(header, stop, descriptors, eventPages)) {
          heldBack.push(String(start.uid));
          continue;
        }
        if ((full = batches.push("start", start))) yield full;
        for (const descriptor of descriptors) if ((full = batches.push("descriptor", descriptor))) yield full;
        for (const resource of resources) {
          if ((full = batches.push("resource", resource))) yield full;
          const pages = datumPages.get(String(resource.uid))?.map((page) => page.extent) ?? [];
          for await (const page of documentsIn(datumPath!, pages)) {
            for (const key of PAGE_BOOKKEEPING) delete page[key];
            if ((full = batches.push("datum_page", page))) yield full;
          }
        }
        for (const descriptor of descriptors) {
          const pages = eventPages.get(String(descriptor.uid))?.map((page) => page.extent) ?? [];
          for await (const page of documentsIn(eventPath!, pages)) {
            for (const key of PAGE_BOOKKEEPING) delete page[key];
            page.filled ??= {}; // `$push` of no filled column leaves none
            if ((full = batches.push("event_page", page))) yield full;
          }
        }
        if (stop && (full = batches.push("stop", stop))) yield full;
      }
    }
  } catch (error) {
    if (!(error instanceof UnreadableError)) throw error;
    failures.push(error);
  }
  if (batches.size > 0) yield batches.take();
  noteHeldBack(heldBack, options);
  if (failures.length > 0) throw failures[0];
}

/** Whether every descriptor's pages hold the events its header counts (or, uncounted, its stop tells). */
function whole(
  header: Record<string, unknown>,
  stop: Record<string, unknown> | undefined,
  descriptors: Record<string, unknown>[],
  eventPages: PagesOf,
): boolean {
  const perStream = new Map<string, number>();
  for (const descriptor of descriptors) {
    const uid = String(descriptor.uid);
    const found = (eventPages.get(uid) ?? []).reduce((sum, page) => sum + page.count, 0);
    const counted = header[`count_${uid}`];
    if (typeof counted === "number" && counted !== found) return false;
    const stream = typeof descriptor.name === "string" ? descriptor.name : "primary";
    perStream.set(stream, (perStream.get(stream) ?? 0) + found);
  }
  return completeAfterDamage(stop, perStream);
}
