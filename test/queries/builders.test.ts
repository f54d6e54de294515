// Builders make plain, frozen, canonical query values with chaining methods, and refuse bad arguments with
// ValidationError naming the rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import {
  all,
  and,
  fullText,
  key,
  not,
  or,
  partialUid,
  scanId,
  scanIdRange,
  timeRange,
} from "../../src/queries/index.ts";

function rejects(build: () => unknown, rule: string): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(
      error.findings.some((finding) => finding.rule === rule),
      `expected rule ${rule}, got ${JSON.stringify(error.findings)}`,
    );
    return true;
  });
}

describe("query builders", () => {
  it("build the plain values they describe", () => {
    assert.deepEqual(key("plan_name").eq("scan"), { op: "eq", key: "plan_name", value: "scan" });
    assert.deepEqual(key("a").ne(1), { op: "notEq", key: "a", value: 1 });
    assert.deepEqual(key("a").ge(5), { op: "comparison", key: "a", operator: "ge", value: 5 });
    assert.deepEqual(key("a").lt("m"), { op: "comparison", key: "a", operator: "lt", value: "m" });
    assert.deepEqual(key("a").in([1, "x"]), { op: "in", key: "a", values: [1, "x"] });
    assert.deepEqual(key("a").notIn([null]), { op: "notIn", key: "a", values: [null] });
    assert.deepEqual(key("detectors").contains("det"), { op: "contains", key: "detectors", value: "det" });
    assert.deepEqual(key("a").like("Ni%"), { op: "like", key: "a", pattern: "Ni%" });
    assert.deepEqual(key("a").regex("^x"), { op: "regex", key: "a", pattern: "^x", caseSensitive: true });
    assert.deepEqual(key("a").regex(/^x/i), { op: "regex", key: "a", pattern: "^x", caseSensitive: false });
    assert.deepEqual(key("a").exists(), { op: "keyPresent", key: "a", exists: true });
    assert.deepEqual(key("a").missing(), { op: "keyPresent", key: "a", exists: false });
    assert.deepEqual(fullText("Si wafer"), { op: "fullText", text: "Si wafer" });
    assert.deepEqual(all(), { op: "all" });
    assert.deepEqual(scanId(5), { op: "scanId", scanIds: [5], duplicates: "latest" });
    assert.deepEqual(scanId([5, 6], { duplicates: "all" }), {
      op: "scanId",
      scanIds: [5, 6],
      duplicates: "all",
    });
    assert.deepEqual(scanIdRange(1, 10), { op: "scanIdRange", startId: 1, endId: 10, duplicates: "latest" });
    assert.deepEqual(partialUid("abcde", "12345"), { op: "partialUid", prefixes: ["abcde", "12345"] });
    assert.deepEqual(timeRange({ since: 10, until: 20, timezone: "UTC" }), {
      op: "timeRange",
      since: 10,
      until: 20,
      timezone: "UTC",
    });
  });

  it("chain with and / or / not, extending an and or an or instead of nesting it", () => {
    const query = key("plan_name").eq("scan").and(key("scan_id").ge(5));
    assert.deepEqual(query, {
      op: "and",
      queries: [
        { op: "eq", key: "plan_name", value: "scan" },
        { op: "comparison", key: "scan_id", operator: "ge", value: 5 },
      ],
    });
    assert.equal(query.and(key("x").exists()).queries.length, 3);
    const either = key("a").eq(1).or(key("b").eq(2)).or(key("c").eq(3));
    assert.equal(either.op, "or");
    assert.equal(either.queries.length, 3);
    assert.deepEqual(key("a").eq(1).not(), { op: "not", query: { op: "eq", key: "a", value: 1 } });
    assert.deepEqual(not(key("a").eq(1)), key("a").eq(1).not());
    assert.deepEqual(and(key("a").eq(1), or(key("b").eq(2))), {
      op: "and",
      queries: [
        { op: "eq", key: "a", value: 1 },
        { op: "or", queries: [{ op: "eq", key: "b", value: 2 }] },
      ],
    });
    // Nested parts of a chained query can chain too.
    assert.deepEqual(query.queries[0].op, "eq");
  });

  it("are immutable, and JSON sees only the data", () => {
    const values = [1, 2];
    const query = key("a").in(values);
    values.push(3);
    assert.deepEqual(query.values, [1, 2]);
    assert.ok(Object.isFrozen(query));
    assert.ok(Object.isFrozen(query.values));
    assert.throws(() => {
      (query as { key: string }).key = "b";
    }, TypeError);
    assert.equal(JSON.stringify(query), '{"op":"in","key":"a","values":[1,2]}');
    assert.deepEqual(Object.keys(query.and(all())), ["op", "queries"]);
  });

  it("read timeRange ends as epoch seconds in the zone given", () => {
    const range = timeRange({ since: "2015-03-30 03:00:00", until: "2015-04", timezone: "America/New_York" });
    assert.equal(range.since, Date.UTC(2015, 2, 30, 7) / 1000);
    assert.equal(range.until, Date.UTC(2015, 3, 1, 4) / 1000);
  });

  it("refuse bad arguments, naming the rule", () => {
    rejects(() => key("").eq(1), "key");
    rejects(() => key("a..b").eq(1), "key");
    rejects(() => key("a").eq(Number.NaN), "type");
    rejects(() => key("a").eq({ x: [Number.POSITIVE_INFINITY] }), "type");
    rejects(() => key("a").ge([1] as unknown as number), "type");
    rejects(() => key("a").like("50\\"), "pattern");
    rejects(() => key("a").regex("("), "regex");
    rejects(() => key("a").regex("(?<=x)y"), "regex");
    rejects(() => key("a").regex("\\p{L}"), "regex");
    rejects(() => fullText("  ...  "), "words");
    rejects(() => partialUid("abcd"), "min-length");
    rejects(() => partialUid(), "type");
    rejects(() => scanId(1.5), "type");
    rejects(() => scanId([]), "type");
    rejects(() => scanId(1, { duplicates: "newest" as "latest" }), "enum");
    rejects(() => timeRange({ since: "2015-02-30", timezone: "UTC" }), "time");
    rejects(() => timeRange({ since: 1, timezone: "Mars/Olympus" }), "time-zone");
    rejects(() => timeRange({ since: 20, until: 10, timezone: "UTC" }), "range");
  });
});
