// Pages: rows <-> columns round-trip exactly on real documents; re-paging keeps every row, in order.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bulkDatumToDatumPage,
  bulkEventsToEventPages,
  mergeDatumPages,
  mergeEventPages,
  packDatumPage,
  packEventPage,
  rechunkDatumPages,
  rechunkEventPages,
  unpackDatumPage,
  unpackEventPage,
} from "../../src/documents/pages.ts";
import type { BulkEvents, DatumPage, Event, EventPage } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import { dataPath } from "../support/sharedData.ts";
import { loadPairs } from "./loadPairs.ts";

const usaxs = await loadPairs(dataPath("apstools/tests/usaxs.json"));
const usaxsEvents = usaxs.filter((pair) => pair[0] === "event").map((pair) => pair[1] as Event);
// A tutorial run with an external image: event pages with `filled`, datum pages.
const newton = await loadPairs(
  dataPath("bluesky-tutorials/example_data/17edf994-bcbe-4113-840b-3ccebb1dfdbe.jsonl"),
);
const newtonPages = newton.filter((pair) => pair[0] === "event_page").map((pair) => pair[1] as EventPage);
const newtonDatumPages = newton
  .filter((pair) => pair[0] === "datum_page")
  .map((pair) => pair[1] as DatumPage);

function byDescriptor<T extends { descriptor: string }>(docs: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const doc of docs) groups.set(doc.descriptor, [...(groups.get(doc.descriptor) ?? []), doc]);
  return groups;
}

describe("event pages", () => {
  test("unpack(pack(events)) gives back every real usaxs event exactly", () => {
    const groups = byDescriptor(usaxsEvents);
    assert.ok(groups.size > 1);
    for (const events of groups.values()) {
      const page = packEventPage(events);
      assert.equal(page.uid.length, events.length);
      assert.deepEqual(unpackEventPage(page), events);
    }
  });

  test("pack(unpack(page)) gives back every real tutorial page exactly, filled included", () => {
    assert.ok(newtonPages.some((page) => Object.keys(page.filled ?? {}).length > 0));
    for (const page of newtonPages) assert.deepEqual(packEventPage(unpackEventPage(page)), page);
  });

  test("filled is kept only when present", () => {
    const [event] = usaxsEvents;
    const { filled: _, ...withoutFilled } = event;
    const page = packEventPage([withoutFilled]);
    assert.equal("filled" in page, false);
    assert.equal("filled" in unpackEventPage(page)[0], false);
    assert.deepEqual(packEventPage([{ ...withoutFilled, filled: { x: false } }]).filled, { x: [false] });
  });

  test("events of two descriptors, or with different keys, do not make a page", () => {
    const [a, b] = usaxsEvents.filter((event, i, all) => event.descriptor !== all[0].descriptor || i === 0);
    assert.throws(() => packEventPage([a, b]), ValidationError);
    const odd = { ...a, uid: "x", data: { ...a.data, extra: 1 } };
    assert.throws(
      () => packEventPage([a, odd]),
      (error: ValidationError) => error.findings[0].rule === "page-keys" && error.findings[0].doc_index === 1,
    );
  });

  test("bulk_events -> one page per descriptor, holding the same events", () => {
    const bulk: BulkEvents = Object.fromEntries(byDescriptor(usaxsEvents));
    const pages = bulkEventsToEventPages(bulk);
    assert.equal(pages.length, Object.keys(bulk).length);
    for (const page of pages) assert.deepEqual(unpackEventPage(page), bulk[page.descriptor]);
  });

  test("re-paging keeps every row in order, never mixing descriptors", () => {
    // The tutorial run interleaves its two streams page by page: a descriptor change closes a page.
    const pages = newtonPages;
    assert.equal(new Set(pages.map((page) => page.descriptor)).size, 2);
    for (const size of [1, 3, 1000]) {
      const chunks = [...rechunkEventPages(pages, size)];
      for (const chunk of chunks) assert.ok(chunk.uid.length <= size && chunk.uid.length > 0);
      assert.deepEqual(
        chunks.flatMap((chunk) => chunk.uid),
        pages.flatMap((page) => page.uid),
      );
      for (const [descriptor, original] of byDescriptor(pages)) {
        const mine = chunks.filter((chunk) => chunk.descriptor === descriptor);
        assert.deepEqual(mergeEventPages(mine), mergeEventPages(original));
      }
    }
    // Pages of one descriptor in a row fill pages of exactly `size` rows, the last one shorter.
    const primary = pages.filter((page) => page.descriptor === pages[1].descriptor);
    const merged = mergeEventPages(primary);
    const expected = Array.from({ length: Math.ceil(merged.uid.length / 4) }, (_, k) =>
      merged.seq_num.slice(4 * k, 4 * k + 4),
    );
    assert.ok(primary.length > 4 && merged.uid.length % 4 !== 0);
    assert.deepEqual(
      [...rechunkEventPages(primary, 4)].map((chunk) => chunk.seq_num),
      expected,
    );
    assert.throws(() => [...rechunkEventPages(pages, 0)], RangeError);
  });
});

describe("datum pages", () => {
  test("pack(unpack(page)) and unpack(pack(datums)) are exact on real tutorial datum pages", () => {
    assert.ok(newtonDatumPages.length > 0);
    for (const page of newtonDatumPages) {
      const datums = unpackDatumPage(page);
      assert.deepEqual(packDatumPage(datums), page);
      assert.deepEqual(unpackDatumPage(packDatumPage(datums)), datums);
    }
  });

  test("bulk_datum -> datum page", () => {
    const datums = newtonDatumPages.flatMap(unpackDatumPage);
    const page = bulkDatumToDatumPage({
      resource: datums[0].resource,
      datum_ids: datums.map((datum) => datum.datum_id),
      datum_kwarg_list: datums.map((datum) => datum.datum_kwargs),
    });
    assert.deepEqual(page, mergeDatumPages(newtonDatumPages));
  });

  test("re-paging datum pages keeps every datum in order", () => {
    const whole = mergeDatumPages(newtonDatumPages);
    const chunks = [...rechunkDatumPages(newtonDatumPages, 4)];
    assert.equal(chunks.length, Math.ceil(whole.datum_id.length / 4));
    assert.deepEqual(mergeDatumPages(chunks), whole);
  });
});
