// msgpack-numpy values in msgpack documents: maps {nd, type, kind, shape, data} — with bytes keys, as
// msgpack-numpy writes them, or str keys — become nested arrays with the array's shape and dtype.
// The real packs hold none (their arrays were written as lists), so these files are built here, byte for
// byte as Python's msgpack with msgpack_numpy.encode lays them out.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { MsgpackEncoder } from "../../src/documents/formats/MsgpackEncoder.ts";
import { UnreadableError } from "../../src/errors.ts";
import { collect, collectUntilFailure, temporaryDirectory } from "./formats-support.ts";

/** The map msgpack_numpy.encode makes of an array: bytes keys, the dtype string, raw C-order data. */
function numpyArray(
  type: string,
  shape: number[],
  data: Uint8Array,
  bytesKeys = true,
): Map<unknown, unknown> {
  const key = (name: string) => (bytesKeys ? Buffer.from(name) : name);
  return new Map<unknown, unknown>([
    [key("nd"), true],
    [key("type"), type],
    [key("kind"), Buffer.alloc(0)],
    [key("shape"), shape],
    [key("data"), data],
  ]);
}

function numpyScalar(type: string, data: Uint8Array): Map<unknown, unknown> {
  return new Map<unknown, unknown>([
    [Buffer.from("nd"), false],
    [Buffer.from("type"), type],
    [Buffer.from("data"), data],
  ]);
}

function bytesOf(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function bigEndianUint16(values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 2);
  for (const [i, v] of values.entries()) bytes.writeUInt16BE(v, i * 2);
  return bytes;
}

function utf32(texts: string[], chars: number): Buffer {
  const bytes = Buffer.alloc(texts.length * chars * 4);
  for (const [i, text] of texts.entries()) {
    for (const [j, c] of [...text].entries()) bytes.writeUInt32LE(c.codePointAt(0) ?? 0, (i * chars + j) * 4);
  }
  return bytes;
}

async function msgpackFile(dir: string, values: unknown[]): Promise<string> {
  const encoder = new MsgpackEncoder();
  for (const value of values) encoder.encode(value);
  const path = join(dir, "numpy.msgpack");
  await writeFile(path, encoder.take());
  return path;
}

function event(data: Record<string, unknown>): unknown[] {
  return ["event", { uid: "e", descriptor: "d", seq_num: 1, time: 1, data, timestamps: {} }];
}

test("numpy arrays of every common dtype become nested arrays of the right shape and values", async (t) => {
  const image = new Float64Array([0.1, 0.2, 0.30000000000000004, -0, 5e-324, 1e308]);
  const path = await msgpackFile(await temporaryDirectory(t), [
    ["start", { uid: "s", time: 1 }],
    event({
      image: numpyArray("<f8", [2, 3], bytesOf(image)),
      counts: numpyArray("<i4", [4], bytesOf(new Int32Array([1, -2, 3, 2 ** 31 - 1])), false),
      big: numpyArray("<i8", [2], bytesOf(new BigInt64Array([-(2n ** 40n), 2n ** 53n]))),
      single: numpyArray("<f4", [1, 2], bytesOf(new Float32Array([0.1, -1.5]))),
      pixels: numpyArray(">u2", [3], bigEndianUint16([1, 256, 65535])),
      mask: numpyArray("|b1", [2, 2], Buffer.from([1, 0, 0, 1])),
      bytes: numpyArray("|u1", [3], Buffer.from([0, 128, 255])),
      complex: numpyArray("<c16", [1], bytesOf(new Float64Array([1.5, -2]))),
      names: numpyArray("<U3", [2], utf32(["Fe", "μm"], 3)),
      empty: numpyArray("<f8", [0, 4], Buffer.alloc(0)),
      cube: numpyArray("|i1", [2, 2, 2], Buffer.from([0, 1, 2, 3, 4, 5, 6, 0xff])),
      scalar: numpyScalar("<f8", bytesOf(new Float64Array([2.5]))),
    }),
  ]);
  const [, [, doc]] = await collect(path);
  const data = (doc as unknown as { data: Record<string, unknown> }).data;
  assert.deepEqual(data.image, [
    [0.1, 0.2, 0.30000000000000004],
    [-0, 5e-324, 1e308],
  ]);
  assert.ok(Object.is((data.image as number[][])[1][0], -0));
  assert.deepEqual(data.counts, [1, -2, 3, 2 ** 31 - 1]);
  assert.deepEqual(data.big, [-(2 ** 40), 2 ** 53]);
  assert.deepEqual(data.single, [[Math.fround(0.1), -1.5]]);
  assert.deepEqual(data.pixels, [1, 256, 65535]);
  assert.deepEqual(data.mask, [
    [true, false],
    [false, true],
  ]);
  assert.deepEqual(data.bytes, [0, 128, 255]);
  assert.deepEqual(data.complex, [[1.5, -2]]);
  assert.deepEqual(data.names, ["Fe", "μm"]);
  assert.deepEqual(data.empty, []);
  assert.deepEqual(data.cube, [
    [
      [0, 1],
      [2, 3],
    ],
    [
      [4, 5],
      [6, -1],
    ],
  ]);
  assert.equal(data.scalar, 2.5);
});

test("str keys (msgpack written with use_bin_type=False) decode the same, on the fast path", async (t) => {
  const path = await msgpackFile(await temporaryDirectory(t), [
    event({ counts: numpyArray("<u4", [2, 1], bytesOf(new Uint32Array([7, 2 ** 32 - 1])), false) }),
    event({ plain: [1, 2], nd: "a key named nd that is no numpy map" }),
  ]);
  const documents = await collect(path);
  const data = documents.map(([, doc]) => (doc as unknown as { data: Record<string, unknown> }).data);
  assert.deepEqual(data, [
    { counts: [[7], [2 ** 32 - 1]] },
    { plain: [1, 2], nd: "a key named nd that is no numpy map" },
  ]);
});

test("a numpy map whose data does not fit its shape, or of an unsupported dtype, is unreadable there", async (t) => {
  const dir = await temporaryDirectory(t);
  const start = ["start", { uid: "s", time: 1 }];
  const startBytes = (() => {
    const encoder = new MsgpackEncoder();
    encoder.encode(start);
    return encoder.byteLength;
  })();
  const cases: Array<[Map<unknown, unknown>, RegExp]> = [
    [numpyArray("<f8", [2, 2], Buffer.alloc(24)), /shape \[2, 2\] and dtype <f8 needs 32 bytes, found 24/],
    [numpyArray("|O", [1], Buffer.alloc(8)), /unsupported numpy dtype "\|O"/],
  ];
  for (const [map, message] of cases) {
    const path = await msgpackFile(dir, [start, event({ bad: map })]);
    const { documents, error } = await collectUntilFailure(path);
    assert.equal(documents.length, 1);
    assert.ok(error instanceof UnreadableError);
    assert.equal(error.location, `byte ${startBytes}`);
    assert.match(error.message, message);
  }
});
