// Encoding an event page into its stored record: numeric columns become their float64 bytes with statistics
// taken from those numbers; other columns exact msgpack with statistics from their values; seq_num and time
// give the page's ranges.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import { BufferArena } from "../../src/storage/codec/BufferArena.ts";
import { bytesToFloat64 } from "../../src/storage/codec/float64Bytes.ts";
import { numberStats } from "../../src/storage/ingest/fieldStats.ts";
import {
  type EventColumns,
  encodeEventPage,
  eventPageDocument,
} from "../../src/storage/pages/eventPageRecord.ts";

function page(): EventColumns {
  return {
    uid: ["a", "b", "c", "d"],
    seq_num: [3, 4, 5, 6],
    time: [10.5, 10.25, 11, 12],
    data: {
      floats: [1.5, -0, Number.NaN, -7],
      infinite: [Number.POSITIVE_INFINITY, 1, 2, Number.NEGATIVE_INFINITY],
      packed: new Float64Array([4, 3, 2, 1]),
      words: ["x", "y", "z", "w"],
      mixed: [1, "two", 3, [4]],
      images: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
    },
    timestamps: { floats: [1, 2, 3, 4], words: [1, 2, 3, 4] },
  };
}

/** The least and greatest of the events' own sums and means, of statistics that are indexed. */
function perEvent(
  sumMin: number | null,
  sumMax: number | null,
  meanMin: number | null,
  meanMax: number | null,
) {
  return { sumMin, sumMax, meanMin, meanMax, indexed: true };
}

describe("encodeEventPage", () => {
  test("numeric columns are their float64 numbers, with statistics of those numbers (NaN left out)", () => {
    const record = encodeEventPage(0, "desc", "event_page", page(), new BufferArena(1024));
    const columns = Object.fromEntries(record.columns.map((c) => [`${c.role}.${c.key}`, c]));
    const floats = columns["data.floats"];
    assert.equal(floats.encoding, "float64");
    assert.deepEqual(floats.shape, [4]);
    assert.deepEqual(Array.from(bytesToFloat64(floats.bytes)), [1.5, -0, Number.NaN, -7]);
    assert.ok(Object.is(bytesToFloat64(floats.bytes)[1], -0));
    assert.deepEqual(floats.stats, {
      ...{ events: 4, count: 3, min: -7, max: 1.5, sum: -5.5, shape: [] },
      ...perEvent(-7, 1.5, -7, 1.5),
    });
    assert.deepEqual(columns["data.infinite"].stats, {
      events: 4,
      count: 4,
      min: Number.NEGATIVE_INFINITY,
      max: Number.POSITIVE_INFINITY,
      sum: Number.NaN,
      shape: [],
      ...perEvent(
        Number.NEGATIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.POSITIVE_INFINITY,
      ),
    });
    assert.deepEqual(columns["data.packed"].stats, {
      events: 4,
      count: 4,
      min: 1,
      max: 4,
      sum: 10,
      shape: [],
      ...perEvent(1, 4, 1, 4),
    });
    assert.equal(columns["timestamps.floats"].stats, null);
  });

  test("other columns: strings and mixed values as msgpack, arrays of numbers as float64 of their shape", () => {
    const record = encodeEventPage(0, "desc", "event_page", page());
    const columns = Object.fromEntries(record.columns.map((c) => [`${c.role}.${c.key}`, c]));
    assert.equal(columns["data.words"].encoding, "msgpack");
    assert.deepEqual(columns["data.words"].stats, {
      events: 4,
      count: 0,
      min: null,
      max: null,
      sum: null,
      shape: [],
      ...perEvent(null, null, null, null),
    });
    assert.equal(columns["data.mixed"].encoding, "msgpack");
    assert.deepEqual(columns["data.mixed"].stats, {
      events: 4,
      count: 3,
      min: 1,
      max: 4,
      sum: 8,
      shape: null,
      // Events 1, "two" (no numbers), 3 and [4].
      ...perEvent(1, 4, 1, 4),
    });
    assert.equal(columns["data.images"].encoding, "float64");
    assert.deepEqual(columns["data.images"].shape, [4, 2]);
    assert.deepEqual(columns["data.images"].stats, {
      events: 4,
      count: 8,
      min: 1,
      max: 8,
      sum: 36,
      shape: [2],
      // Each image's own sums 3, 7, 11, 15 and means 1.5 ... 7.5.
      ...perEvent(3, 15, 1.5, 7.5),
    });
  });

  test("the page's seq_num and time ranges, and the document back deep-equal", () => {
    const given = page();
    const record = encodeEventPage(7, "desc", "event_page", given);
    assert.deepEqual(
      [record.pageNo, record.length, record.seqFirst, record.seqLast, record.timeFirst, record.timeLast],
      [7, 4, 3, 6, 10.25, 12],
    );
    const doc = eventPageDocument(record);
    assert.deepEqual(doc.uid, given.uid);
    assert.deepEqual(doc.data, { ...given.data, packed: [4, 3, 2, 1] });
    assert.deepEqual(doc.timestamps, given.timestamps);
  });

  test("an empty page, and a seq_num that is not a number", () => {
    const empty = encodeEventPage(0, "desc", "event_page", {
      uid: [],
      seq_num: [],
      time: [],
      data: { x: [] },
      timestamps: { x: [] },
    });
    assert.deepEqual([empty.seqFirst, empty.seqLast, empty.length], [0, 0, 0]);
    assert.deepEqual(empty.columns[0].stats, {
      events: 0,
      count: 0,
      min: null,
      max: null,
      sum: null,
      shape: [],
      ...perEvent(null, null, null, null),
    });
    const broken = { ...page(), seq_num: [1, "2", 3, 4] };
    assert.throws(() => encodeEventPage(0, "desc", "event_page", broken), ValidationError);
  });
});

test("numberStats: count, min, max and sum over the numbers that are not NaN", () => {
  const numbers = new Float64Array([2, Number.NaN, -3, 0.5]);
  assert.deepEqual(numberStats(numbers, 2, [2]), {
    events: 2,
    count: 3,
    min: -3,
    max: 2,
    sum: -0.5,
    shape: [2],
    // Events [2, NaN] (sum 2 of one number) and [-3, 0.5] (sum -2.5, mean -1.25).
    ...perEvent(-2.5, 2, -1.25, 2),
  });
  assert.deepEqual(numberStats(new Float64Array([Number.NaN]), 1, []), {
    events: 1,
    count: 0,
    min: null,
    max: null,
    sum: null,
    shape: [],
    ...perEvent(null, null, null, null),
  });
});

test("a column that mixes numbers with other values, then numeric columns again: each stored as before", () => {
  const arena = new BufferArena(1024);
  const mixed = encodeEventPage(
    0,
    "desc",
    "event_page",
    { ...page(), data: { m: [1, 2, "three", 4] } },
    arena,
  );
  assert.equal(mixed.columns[0].encoding, "msgpack");
  const later = encodeEventPage(1, "desc", "event_page", { ...page(), data: { x: [0.5, 1, -0, 2] } }, arena);
  assert.equal(later.columns[0].encoding, "float64");
  assert.deepEqual(Array.from(bytesToFloat64(later.columns[0].bytes)), [0.5, 1, -0, 2]);
  assert.ok(Object.is(bytesToFloat64(later.columns[0].bytes)[2], -0));
  assert.deepEqual(eventPageDocument(mixed).data, { m: [1, 2, "three", 4] });
});
