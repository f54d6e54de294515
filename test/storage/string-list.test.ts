// The string list codec of stored uids: lists that join and split back unambiguously go as newline-joined
// UTF-8; anything else (an empty list, an empty string, a newline inside a string, a non-string) as exact
// msgpack. Either way the list comes back exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BufferArena } from "../../src/storage/codec/BufferArena.ts";
import { decodeStrings, encodeStrings } from "../../src/storage/codec/stringList.ts";

const JOINED = 0;
const MSGPACK = 1;

test("uids and other plain strings are joined; every list comes back exactly", () => {
  const cases: Array<[unknown[], number]> = [
    [["0a8f1c2e-9d4b-4f6a-8c3e-1b2d3e4f5a6b", "run-1", "ünïcødé ✓", "日本"], JOINED],
    [["only"], JOINED],
    [["a\nb", "c"], MSGPACK],
    [["a", "b\n"], MSGPACK],
    [["\n"], MSGPACK],
    [["a", ""], MSGPACK],
    [[], MSGPACK],
    [["a", 1], MSGPACK],
    [["a", null], MSGPACK],
    [["a\r\nb", "c"], MSGPACK],
  ];
  for (const [list, form] of cases) {
    for (const arena of [undefined, new BufferArena(1024)]) {
      const bytes = encodeStrings(list, arena);
      assert.equal(bytes[0], form, JSON.stringify(list));
      assert.deepEqual(decodeStrings(bytes), list, JSON.stringify(list));
    }
  }
});

test("a newline found only in the joined text: a long list with one inside its last string", () => {
  const list = Array.from({ length: 1000 }, (_, i) => `uid-${i}`);
  list[999] = "uid-\n999";
  const bytes = encodeStrings(list);
  assert.equal(bytes[0], MSGPACK);
  assert.deepEqual(decodeStrings(bytes), list);
});
