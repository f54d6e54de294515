// Whole floats keep their type through a parse and a write: 1.0 read from JSON or msgpack is written back
// as 1.0 / float64, an integer as an integer; marks never show in the values themselves.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { documentSerializer, stringifyJson } from "../../src/documents/formats/index.ts";
import { MsgpackEncoder } from "../../src/documents/formats/MsgpackEncoder.ts";
import { markMsgpackFloats } from "../../src/documents/formats/msgpackFloats.ts";
import { parseJson } from "../../src/documents/formats/parseJson.ts";
import { decodeExact, encodeExact } from "../../src/storage/codec/exactMsgpack.ts";

const TEXT =
  '["start",{"time":1790000101.0,"n":3,"e":1e3,"f":2.5,"a":[2.0,3,[4.00]],"s":"x 1.0","o":{"z":-0.0}}]';

describe("float marks", () => {
  test("JSON: parsed whole floats are written back as they came, values unchanged", () => {
    const value = parseJson(TEXT);
    assert.deepStrictEqual(value, JSON.parse(TEXT));
    assert.equal(
      stringifyJson(value),
      '["start",{"time":1790000101.0,"n":3,"e":1000.0,"f":2.5,"a":[2.0,3,[4.0]],"s":"x 1.0","o":{"z":-0.0}}]',
    );
  });

  test("exact storage keeps the marks", () => {
    const value = decodeExact(encodeExact(parseJson(TEXT)));
    assert.equal(stringifyJson(value), stringifyJson(parseJson(TEXT)));
  });

  test("msgpack: whole floats written as float64 and read back as floats", () => {
    const encoder = new MsgpackEncoder();
    const value = parseJson(TEXT) as unknown[];
    encoder.encode(value);
    const bytes = encoder.take();
    // 1790000101.0 as float64: 0xcb then its 8 bytes.
    const float64 = Buffer.alloc(9);
    float64[0] = 0xcb;
    float64.writeDoubleBE(1790000101, 1);
    assert.ok(bytes.includes(float64));
    const again = JSON.parse(TEXT);
    markMsgpackFloats(bytes, again);
    assert.equal(stringifyJson(again), stringifyJson(value));
  });

  test("event cells are floats where the descriptor's dtype says number", () => {
    const serializer = documentSerializer("jsonl");
    serializer.document([
      "descriptor",
      { uid: "d", run_start: "s", time: 1, data_keys: { x: { dtype: "number" }, n: { dtype: "integer" } } },
    ] as never);
    const line = serializer.document([
      "event",
      { uid: "e", descriptor: "d", seq_num: 1, time: 5, data: { x: 2, n: 2 }, timestamps: { x: 5, n: 5 } },
    ] as never);
    assert.equal(
      line,
      '["event",{"uid":"e","descriptor":"d","seq_num":1,"time":5.0,"data":{"x":2.0,"n":2},"timestamps":{"x":5.0,"n":5.0}}]\n',
    );
  });
});
