// Ingest's paging of single events: EventPager fills columns as events arrive (ColumnBuilder) in buffers
// shared by the batch (BufferArena), and every page decodes back to exactly the events that went in.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, Event, EventPage } from "../../src/documents/types.ts";
import { BufferArena } from "../../src/storage/codec/BufferArena.ts";
import { POOLED_BYTES, pagePool } from "../../src/storage/codec/BufferPool.ts";
import { decodeStrings } from "../../src/storage/codec/stringList.ts";
import { ColumnBuilder } from "../../src/storage/ingest/ColumnBuilder.ts";
import { EventPager } from "../../src/storage/ingest/EventPager.ts";
import { eventPageDocument, eventsOfPage } from "../../src/storage/pages/eventPageRecord.ts";
import type { EventPageRecord } from "../../src/storage/records.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { loadPairs } from "../documents/loadPairs.ts";
import { dataPath } from "../support/sharedData.ts";

/** Pages a stream of events; returns the pages and where each event landed. */
function page(events: Event[]): { pages: EventPageRecord[]; places: Array<[number, number]> } {
  const pages: EventPageRecord[] = [];
  let pageNo = 0;
  const pager = new EventPager(
    () => pageNo++,
    (record) => pages.push(record),
  );
  const places = events.map((event) => pager.add(event));
  pager.closeAll();
  pages.sort((a, b) => a.pageNo - b.pageNo);
  return { pages, places };
}

/** The events back from their pages, by where the pager said each one landed. */
function unpaged(pages: EventPageRecord[], places: Array<[number, number]>): Event[] {
  const rows = new Map(pages.map((record) => [record.pageNo, eventsOfPage(record)]));
  return places.map(([pageNo, row]) => rows.get(pageNo)![row]);
}

function event(seq: number, data: Record<string, unknown>, extra: Partial<Event> = {}): Event {
  const timestamps = Object.fromEntries(Object.keys(data).map((key) => [key, 1000 + seq]));
  return { uid: `uid-${seq}`, descriptor: "d1", seq_num: seq, time: 1000 + seq, data, timestamps, ...extra };
}

const usaxs = await loadPairs(dataPath("apstools/tests/usaxs.json"));
const usaxsEvents = usaxs.filter((pair) => pair[0] === "event").map((pair) => pair[1] as Event);

describe("EventPager", () => {
  test("every real usaxs event comes back exactly from the pages it was packed into", () => {
    assert.ok(usaxsEvents.length > 100);
    const { pages, places } = page(usaxsEvents);
    assert.deepEqual(unpaged(pages, places), usaxsEvents);
    const descriptors = new Set(usaxsEvents.map((e) => e.descriptor));
    assert.equal(pages.length, descriptors.size, "the events of one descriptor share one page");
  });

  test("keys enumerated in another order join the page, each value under its own key", () => {
    const events = [
      event(1, { a: 1, b: "x", c: [1, 2] }),
      event(2, { c: [3, 4], a: 2, b: "y" }),
      { ...event(3, { b: "z", a: 3, c: [5, 6] }), timestamps: { c: 3, b: 2, a: 1 } },
    ];
    const { pages, places } = page(events);
    assert.equal(pages.length, 1);
    assert.deepEqual(unpaged(pages, places), events);
    assert.deepEqual(eventPageDocument(pages[0]).data, {
      a: [1, 2, 3],
      b: ["x", "y", "z"],
      c: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
  });

  test("a page closes on other keys, on filled appearing or going, on a seq_num that does not grow", () => {
    const events = [
      event(1, { a: 1 }),
      event(2, { a: 2, b: 2 }),
      event(3, { a: 3, b: 3 }, { filled: { a: true } }),
      event(4, { a: 4, b: 4 }, { filled: { a: false } }),
      event(5, { a: 5, b: 5 }),
      event(4, { a: 6, b: 6 }),
      event(7, { a: 7, b: 7 }),
    ];
    const { pages, places } = page(events);
    assert.deepEqual(
      places.map(([pageNo]) => pageNo),
      [0, 1, 2, 2, 3, 4, 4],
    );
    assert.deepEqual(unpaged(pages, places), events);
    assert.equal(pages[2].hasFilled, true);
    assert.equal(pages[3].hasFilled, false);
  });

  test("numbers keep their exact value; a column that stops being numeric is kept as values", () => {
    const numbers = [0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 2 ** 53, 5e-324];
    const mixed = [1, 2.5, "three", null, 5];
    const events = numbers.map((value, i) => event(i + 1, { n: value, m: mixed[i % mixed.length] }));
    const { pages, places } = page(events);
    assert.equal(pages.length, 1);
    const back = unpaged(pages, places);
    for (const [i, row] of back.entries()) assert.ok(Object.is(row.data.n, numbers[i]), `row ${i}`);
    assert.deepEqual(back, events);
    const encodings = Object.fromEntries(pages[0].columns.map((c) => [`${c.role}.${c.key}`, c.encoding]));
    assert.deepEqual(encodings, {
      "data.n": "float64",
      "data.m": "msgpack",
      "timestamps.n": "float64",
      "timestamps.m": "float64",
    });
  });

  test("2,500 events of one descriptor make full pages of 1,024 rows and a last short one", () => {
    const events = Array.from({ length: 2500 }, (_, i) => event(i + 1, { x: i * 0.5, y: -i }));
    const { pages, places } = page(events);
    assert.deepEqual(
      pages.map((record) => record.length),
      [1024, 1024, 452],
    );
    assert.deepEqual(unpaged(pages, places), events);
    assert.deepEqual(
      decodeStrings(pages[2].uids),
      events.slice(2048).map((e) => e.uid),
    );
    assert.equal(pages[1].seqFirst, 1025);
    assert.equal(pages[1].seqLast, 2048);
  });

  test("an event_page is stored as it is, and the caller's arrays are left untouched", () => {
    const eventPage: EventPage = {
      descriptor: "d1",
      uid: ["p1", "p2", "p3"],
      seq_num: [1, 2, 3],
      time: [1.5, 2.5, 3.5],
      data: { x: [0.25, -0, 7], label: ["a", "b", "c"] },
      timestamps: { x: [1, 2, 3], label: [1, 2, 3] },
    };
    const copy = structuredClone(eventPage);
    const pages: EventPageRecord[] = [];
    const pager = new EventPager(
      () => pages.length,
      (record) => pages.push(record),
    );
    pager.add(event(1, { x: 1, label: "z" }));
    pager.addPage(eventPage);
    assert.equal(pages.length, 2, "the open page of single events closes first");
    assert.deepEqual(eventPageDocument(pages[1]), eventPage);
    assert.deepEqual(eventPage, copy);
  });
});

describe("ColumnBuilder", () => {
  test("numbers fill the room they were given; a short column is copied out of it", () => {
    const room = new Float64Array(64);
    const full = new ColumnBuilder(room.subarray(0, 4));
    for (const value of [1, 2, 3, 4]) full.push(value);
    const column = full.finish() as Float64Array;
    assert.deepEqual(Array.from(column), [1, 2, 3, 4]);
    assert.equal(column.buffer, room.buffer);
    const short = new ColumnBuilder(room.subarray(4, 64));
    short.push(-0);
    const trimmed = short.finish() as Float64Array;
    assert.ok(Object.is(trimmed[0], -0));
    assert.notEqual(trimmed.buffer, room.buffer);
  });

  test("grows past its room, and turns to plain values at the first non-number", () => {
    const builder = new ColumnBuilder(new Float64Array(2));
    const values = [1, 2, 3, 4, 5, "six", 7, [8]];
    for (const value of values) builder.push(value);
    assert.deepEqual(builder.finish(), values);
  });
});

describe("BufferArena", () => {
  test("hands out aligned, separate pieces of few buffers, and larger requests their own", () => {
    const arena = new BufferArena(1024);
    const bytes = arena.bytes(3);
    const numbers = arena.float64s(10);
    assert.equal(numbers.byteOffset % 8, 0);
    assert.equal(numbers.buffer, bytes.buffer);
    bytes.fill(0xff);
    numbers.fill(1.5);
    assert.deepEqual(Array.from(bytes), [0xff, 0xff, 0xff]);
    assert.ok(numbers.every((n) => n === 1.5));
    const big = arena.float64s(1000);
    assert.notEqual(big.buffer, bytes.buffer);
    assert.equal(big.length, 1000);
  });

  test("numbers given back are handed out again", () => {
    const arena = new BufferArena(1024);
    const first = arena.float64s(8);
    arena.giveBackFloat64s(8);
    const again = arena.float64s(8);
    assert.equal(again.byteOffset, first.byteOffset);
    assert.equal(again.buffer, first.buffer);
  });

  test("with a pool, buffers are shared memory from it, and go back to it on release", () => {
    const arena = new BufferArena(POOLED_BYTES, pagePool);
    const numbers = arena.float64s(16);
    assert.ok(numbers.buffer instanceof SharedArrayBuffer);
    assert.equal(numbers.buffer.byteLength, POOLED_BYTES);
    arena.release();
    assert.equal(pagePool.take(POOLED_BYTES), numbers.buffer);
    // Without a pool, plain buffers of the arena's own.
    assert.ok(new BufferArena(1024).bytes(8).buffer instanceof ArrayBuffer);
  });
});

describe("BufferPool", () => {
  test("buffers of the pooled size come back; others are left to the garbage collector", () => {
    const pooled = pagePool.take(POOLED_BYTES);
    const odd = pagePool.take(1000);
    pagePool.give([pooled, odd]);
    assert.equal(pagePool.take(POOLED_BYTES), pooled);
    assert.notEqual(pagePool.take(1000), odd);
  });

  test("SQLite puts that reuse page buffers leave every stored page intact", async () => {
    const dir = await mkdtemp(join(tmpdir(), "databroker-pool-"));
    const store = new SqliteStore(join(dir, "catalog.sqlite"));
    try {
      const keys = Array.from({ length: 10 }, (_, k) => `x${k}`);
      const dataKeys = Object.fromEntries(
        keys.map((key) => [key, { dtype: "number", shape: [], source: key }]),
      );
      const runs = [0, 1, 2].map((r) => {
        const run = composeRun({ plan_name: `pool-${r}` });
        const stream = run.composeDescriptor({ data_keys: dataKeys as Record<string, DataKey> });
        // 40,000 events of 22 numbers fill more than one pooled buffer, so later puts reuse earlier ones.
        const events = Array.from({ length: 40_000 }, (_, i) => {
          const data = Object.fromEntries(keys.map((key, k) => [key, r * 1e6 + i + k / 16]));
          return stream.composeEvent({ data, timestamps: Object.fromEntries(keys.map((key) => [key, i])) });
        });
        return { run, stream, events };
      });
      for (const { run, stream, events } of runs) {
        await store.put([
          ["start", run.start],
          ["descriptor", stream.descriptor],
          ...events.map((event) => ["event", event] as ["event", Event]),
          ["stop", run.composeStop()],
        ]);
      }
      for (const { run, events } of runs) {
        const stored: Event[] = [];
        for await (const [name, doc] of store.documents(run.start.uid)) {
          if (name === "event") stored.push(doc as Event);
        }
        assert.deepEqual(stored, events);
      }
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
