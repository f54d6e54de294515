// The names the files adapter gives its files: a continuation always sorts after the file (or folder) it
// continues, by the code-unit order in which directories are read, so a run reads back in a valid order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { continuationName, namesFrom, numberedNames, safeStem } from "../../src/storage/files/fileNames.ts";

function sortsAfter(later: string, earlier: string): boolean {
  return [later, earlier].sort()[1] === later && later !== earlier;
}

test("a continuation sorts right after the file it continues, whatever that file's name", () => {
  const cases: Array<[string, string]> = [
    ["abc.jsonl", "abc_000001.jsonl"],
    ["abc_000001.jsonl", "abc_000002.jsonl"],
    ["abc_000041.jsonl", "abc_000042.jsonl"],
    ["usaxs.json", "usaxs_000001.jsonl"],
    ["RUN.JSONL", "RUN_000001.jsonl"],
    ["scan 7.msgpack", "scan 7_000001.jsonl"],
    ["x_999999.jsonl", "x_999999_000001.jsonl"],
    ["x_12.jsonl", "x_12_000001.jsonl"],
  ];
  for (const [entry, expected] of cases) {
    assert.equal(continuationName(entry), expected);
    assert.ok(sortsAfter(expected, entry), `${expected} after ${entry}`);
  }
  // A folder is read where its name sorts: the continuation comes after it and all it holds.
  assert.equal(continuationName("old", true), "old_000001.jsonl");
  assert.equal(continuationName("a.b_000003.jsonl", true), "a.b_000003.jsonl_000001.jsonl");
  assert.ok(sortsAfter("old_000001.jsonl", "old"));
});

test("a chain of continuations keeps its order, also past other files that share the prefix", () => {
  const chain = namesFrom("abc.jsonl");
  const names = Array.from({ length: 1200 }, () => chain.next().value as string);
  assert.deepEqual(names.slice(0, 3), ["abc.jsonl", "abc_000001.jsonl", "abc_000002.jsonl"]);
  assert.deepEqual([...names].sort(), names);
  const others = ["abc.json", "abc-2.jsonl", "abcd.jsonl", "ab.jsonl"];
  const all = [...names, ...others].sort();
  assert.deepEqual(
    all.filter((name) => names.includes(name)),
    names,
  );
});

test("new files are named after the start uid, made safe for every file system", () => {
  assert.equal(safeStem("a1b2-c3d4"), "a1b2-c3d4");
  assert.equal(safeStem("scan/7 über"), "scan_7__ber");
  assert.equal(safeStem(".hidden"), "_hidden");
  assert.equal(safeStem(""), "run");
  assert.equal(safeStem("x".repeat(500)).length, 200);
  const numbered = numberedNames("uid", ".msgpack");
  assert.deepEqual(
    [numbered.next().value, numbered.next().value, numbered.next().value],
    ["uid.msgpack", "uid-1.msgpack", "uid-2.msgpack"],
  );
});
