// Writing and reading back: every real run in every format comes back deep-equal, and numbers come back
// bit for bit (-0, denormals, extremes, big integers; NaN and Infinity too, in msgpack and in JSON).
import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, test } from "node:test";
import { Unpackr } from "msgpackr";
import {
  DOCUMENT_FORMATS,
  documentEncoder,
  stringifyJson,
  writeDocuments,
} from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { UnsupportedError } from "../../src/errors.ts";
import { dataPath } from "../support/sharedData.ts";
import { collect, splitRuns, temporaryDirectory } from "./formats-support.ts";

const REAL_SOURCES = [
  ["apstools", "tests", "usaxs.json"],
  ["apstools", "tests", "apstools.json"],
  ["apstools", "callbacks-tests"],
  ["apstools", "440_specwriter_problem_run"],
  ["bluesky-tutorials", "example_data"],
  ["databroker-pack"],
  ["bluesky-tiled-plugins-examples"],
];

describe("every real run, written in every format, reads back deep-equal", () => {
  for (const source of REAL_SOURCES) {
    test(source.join("/"), async (t) => {
      const dir = await temporaryDirectory(t);
      const runs = splitRuns(await collect(dataPath(...source)));
      for (const format of DOCUMENT_FORMATS) {
        for (const [i, run] of runs.entries()) {
          const path = join(dir, `run-${i}.${format}`);
          assert.equal(await writeDocuments(path, run, format), run.length);
          assert.deepEqual(await collect(path), run, `run ${i} of ${source.join("/")} as ${format}`);
        }
      }
    });
  }
});

/** Numbers JSON.stringify or a careless msgpack encoder would change. */
const TRICKY_FLOATS = [
  -0,
  5e-324, // smallest denormal
  -5e-324,
  2.225073858507201e-308, // largest denormal
  2.2250738585072014e-308, // smallest normal
  1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  0.1 + 0.2,
  1 / 3,
  Math.PI,
  1.5e-7,
  123456789.12345679,
  1588162706.3787105, // a real time stamp
];
const BIG_INTEGERS = [
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 32 + 1,
  -(2 ** 32) - 1,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  1e21,
];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const STRINGS = [
  "μm",
  "温度 °C",
  "🧪 sample",
  "tab\there",
  "line\nbreak",
  'quote " and \\',
  "\u0000",
  "\u2028",
];

function trickyDocuments(): DocumentPair[] {
  return [
    ["start", { uid: "tricky", time: 1588162706.3787105, floats: TRICKY_FLOATS, strings: STRINGS }],
    [
      "event",
      {
        uid: "e1",
        descriptor: "d1",
        seq_num: 1,
        time: 0.1 + 0.2,
        data: { floats: TRICKY_FLOATS, integers: BIG_INTEGERS, special: NON_FINITE, negative_zero: -0 },
        timestamps: { floats: -0, integers: 2 ** 53, special: Number.NaN, negative_zero: 5e-324 },
      },
    ],
  ];
}

function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
}

/** Every number in `value`, depth first, as the hex of its IEEE 754 bits. */
function numberBits(value: unknown): string[] {
  if (typeof value === "number") return [bitsOf(value)];
  if (Array.isArray(value)) return value.flatMap(numberBits);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(numberBits);
  return [];
}

describe("numbers and strings come back exactly", () => {
  for (const format of DOCUMENT_FORMATS) {
    test(`${format}: floats bit for bit, big integers, NaN and Infinity, unicode strings`, async (t) => {
      const path = join(await temporaryDirectory(t), `tricky.${format}`);
      const documents = trickyDocuments();
      await writeDocuments(path, documents, format);
      const back = await collect(path);
      assert.deepEqual(back, documents);
      assert.deepEqual(numberBits(back), numberBits(documents));
      // -0 really is negative zero, not only equal to 0.
      const data = (back[1][1] as unknown as { data: { negative_zero: number } }).data;
      assert.ok(Object.is(data.negative_zero, -0));
    });
  }

  test("JSON writers write Python's tokens for what JSON cannot carry, and plain JSON otherwise", () => {
    assert.equal(
      stringifyJson({ a: Number.NaN, b: [Number.POSITIVE_INFINITY, -0] }),
      '{"a":NaN,"b":[Infinity,-0.0]}',
    );
    assert.equal(
      stringifyJson({ c: Number.NEGATIVE_INFINITY, n: 12345678901234567890n }),
      '{"c":-Infinity,"n":12345678901234567890}',
    );
    // Without such numbers the text is exactly JSON.stringify's.
    const plain = { a: [1, 2.5, "x", null, true], b: { c: undefined, d: 1e21 } };
    assert.equal(stringifyJson(plain), JSON.stringify(plain));
    // Typed arrays are written as arrays, as their values are what documents mean.
    assert.equal(stringifyJson({ v: new Float64Array([0.5, -0]) }), '{"v":[0.5,-0.0]}');
  });

  test("msgpack: safe integers are integers (as Python wrote them), others float64; BigInts are int64, refused when inexact", async (t) => {
    const path = join(await temporaryDirectory(t), "ints.msgpack");
    await writeDocuments(
      path,
      [["start", { uid: "i", time: 2 ** 40, big: 2n ** 60n + 1n, float: 2 ** 60 }]],
      "msgpack",
    );
    // Decoded with 64-bit integers as BigInt, integer encodings show up as bigint, floats as number.
    const [[, start]] = new Unpackr({ useRecords: false, int64AsType: "bigint" }).unpackMultiple(
      await readFile(path),
    );
    assert.equal(start.time, 2n ** 40n);
    assert.equal(start.big, 2n ** 60n + 1n);
    assert.equal(start.float, 2 ** 60);
    // Readers give numbers; a 64-bit integer a double cannot hold exactly is refused, never rounded.
    await assert.rejects(collect(path), /the integer 1152921504606846977 cannot be kept exactly/);
    await writeDocuments(
      path,
      [["start", { uid: "i", time: 2 ** 40, big: 2n ** 60n, float: 2 ** 60 }]],
      "msgpack",
    );
    const [[, read]] = await collect(path);
    assert.deepEqual(read, { uid: "i", time: 2 ** 40, big: 2 ** 60, float: 2 ** 60 });
  });

  test("msgpack refuses an integer beyond 64 bits instead of writing something else", async (t) => {
    const path = join(await temporaryDirectory(t), "huge.msgpack");
    await assert.rejects(
      writeDocuments(path, [["start", { uid: "h", time: 1, huge: 2n ** 64n }]], "msgpack"),
      UnsupportedError,
    );
  });
});

describe("documentEncoder streams documents into any format", () => {
  for (const format of DOCUMENT_FORMATS) {
    test(format, async (t) => {
      const dir = await temporaryDirectory(t);
      const documents = await collect(dataPath("apstools", "callbacks-tests", "uid-f05b6684.json"));
      const path = join(dir, `encoded.${format}`);
      await pipeline(Readable.from(documents), documentEncoder(format), createWriteStream(path));
      assert.deepEqual(await collect(path), documents);
      const empty = join(dir, `empty.${format}`);
      await pipeline(Readable.from([]), documentEncoder(format), createWriteStream(empty));
      assert.deepEqual(await collect(empty), []);
    });
  }
});
