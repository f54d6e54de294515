// Saved searches (JSON) and Tiled's filter[...] parameters: exact encodings, round trips, and the errors of
// bad input naming the path or parameter and the rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnsupportedError, ValidationError } from "../../src/errors.ts";
import {
  fullText,
  fuzzy,
  key,
  partialUid,
  type Query,
  queryFromJSON,
  queryFromTiledParams,
  queryToJSON,
  queryToTiledParams,
  scanId,
  scanIdRange,
  timeRange,
} from "../../src/queries/index.ts";

const every: Query[] = [
  key("plan_name").eq("scan"),
  key("sample.name").ne({ a: [1, null] }),
  key("scan_id").ge(5),
  key("motor").lt("m"),
  key("plan_name").in(["scan", "count"]),
  key("plan_name").notIn([1, true]),
  key("detectors").contains("det"),
  key("sample").like("Ni%"),
  key("owner").regex("^x.*y$", { caseSensitive: false }),
  key("stop.exit_status").exists(),
  key("operator").missing(),
  fullText("Si wafer"),
  fuzzy("silcon wafr"),
  timeRange({ since: 1_500_000_000, until: 1_600_000_000.5, timezone: "Europe/Paris" }),
  timeRange({ until: 1_600_000_000, timezone: "UTC" }),
  scanId([1, 2, 3], { duplicates: "error" }),
  scanIdRange(10, 20, { duplicates: "all" }),
  partialUid("abcdef", "012345"),
  key("descriptors.data_keys.det.units").eq("counts"),
];

function findingsOf(action: () => unknown): Array<{ path: string; rule: string }> {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.findings.map(({ path, rule }) => ({ path, rule }));
  }
  assert.fail("expected a ValidationError");
}

describe("queries as JSON", () => {
  it("round-trip every query type, nested in and / or / not", () => {
    const nested: Query = {
      op: "or",
      queries: [
        { op: "and", queries: every },
        { op: "not", query: every[0] },
      ],
    };
    for (const query of [...every, nested]) assert.deepEqual(queryFromJSON(queryToJSON(query)), query);
    assert.deepEqual(queryFromJSON(JSON.parse(queryToJSON(nested))), nested);
  });

  it("fill in defaults of older saved forms", () => {
    assert.deepEqual(queryFromJSON('{"op":"keyPresent","key":"a"}'), {
      op: "keyPresent",
      key: "a",
      exists: true,
    });
    assert.deepEqual(queryFromJSON('{"op":"scanId","scanIds":[4]}'), {
      op: "scanId",
      scanIds: [4],
      duplicates: "latest",
    });
    assert.deepEqual(queryFromJSON('{"op":"regex","key":"a","pattern":"x"}'), {
      op: "regex",
      key: "a",
      pattern: "x",
      caseSensitive: true,
    });
  });

  it("name the path and rule of every problem", () => {
    assert.deepEqual(
      findingsOf(() => queryFromJSON("{not json")),
      [{ path: "$", rule: "json" }],
    );
    assert.deepEqual(
      findingsOf(() => queryFromJSON([])),
      [{ path: "$", rule: "type" }],
    );
    assert.deepEqual(
      findingsOf(() =>
        queryFromJSON({
          op: "and",
          queries: [
            { op: "eq", key: "a", vlaue: 1 },
            { op: "comparison", key: "b", operator: "gte", value: [1] },
            { op: "not", query: { op: "partialUid", prefixes: ["abc", 5] } },
            { op: "timeRange", since: "2015", timezone: "Nowhere/City" },
            { op: "in", key: "c", values: [1, { x: Number.NaN }] },
            { op: "teleport" },
            { op: "fuzzy", text: " ... " },
            { op: "fuzzy", text: 3 },
            { op: "fuzzy" },
          ],
        }),
      ),
      [
        { path: "$.queries[0].vlaue", rule: "additional" },
        { path: "$.queries[0].value", rule: "required" },
        { path: "$.queries[1].operator", rule: "enum" },
        { path: "$.queries[1].value", rule: "type" },
        { path: "$.queries[2].query.prefixes[0]", rule: "min-length" },
        { path: "$.queries[2].query.prefixes[1]", rule: "type" },
        { path: "$.queries[3].since", rule: "type" },
        { path: "$.queries[3].timezone", rule: "time-zone" },
        { path: "$.queries[4].values[1].x", rule: "type" },
        { path: "$.queries[5].op", rule: "enum" },
        { path: "$.queries[6].text", rule: "words" },
        { path: "$.queries[7].text", rule: "type" },
        { path: "$.queries[8].text", rule: "required" },
      ],
    );
  });
});

describe("queries as Tiled filter parameters", () => {
  it("encode each type as Tiled does, keys with an explicit start.", () => {
    const expected: Array<[Query, string]> = [
      [
        key("plan_name").eq("scan"),
        'filter[eq][condition][key]=start.plan_name&filter[eq][condition][value]="scan"',
      ],
      [key("a").ne(1), "filter[noteq][condition][key]=start.a&filter[noteq][condition][value]=1"],
      [
        key("scan_id").ge(5),
        "filter[comparison][condition][operator]=ge&filter[comparison][condition][key]=start.scan_id&filter[comparison][condition][value]=5",
      ],
      [key("a").in(["x", 2]), 'filter[in][condition][key]=start.a&filter[in][condition][value]=["x",2]'],
      [
        key("a").notIn([null]),
        "filter[notin][condition][key]=start.a&filter[notin][condition][value]=[null]",
      ],
      [
        key("d").contains("det"),
        'filter[contains][condition][key]=start.d&filter[contains][condition][value]="det"',
      ],
      [key("s").like("Ni%"), 'filter[like][condition][key]=start.s&filter[like][condition][pattern]="Ni%"'],
      [
        key("s").regex("^Cu", { caseSensitive: false }),
        "filter[regex][condition][key]=start.s&filter[regex][condition][pattern]=^Cu&filter[regex][condition][case_sensitive]=false",
      ],
      [fullText("Si wafer"), "filter[fulltext][condition][text]=Si wafer"],
      [fuzzy("silcon wafr"), "filter[fuzzy][condition][text]=silcon wafr"],
      [
        key("stop.reason").exists(),
        "filter[keypresent][condition][key]=stop.reason&filter[keypresent][condition][exists]=true",
      ],
      [
        key("x").exists().not(),
        "filter[keypresent][condition][key]=start.x&filter[keypresent][condition][exists]=false",
      ],
      [
        timeRange({ since: 1_427_698_800, until: 1_427_785_200, timezone: "US/Eastern" }),
        "filter[time_range][condition][timezone]=US/Eastern&filter[time_range][condition][since]=1427698800&filter[time_range][condition][until]=1427785200",
      ],
      [
        scanId([5, 6]),
        "filter[scan_id][condition][scan_ids]=5,6&filter[scan_id][condition][duplicates]=latest",
      ],
      [
        scanIdRange(1, 10, { duplicates: "error" }),
        "filter[scan_id_range][condition][start_id]=1&filter[scan_id_range][condition][end_id]=10&filter[scan_id_range][condition][duplicates]=error",
      ],
      [partialUid("abcdef", "123456"), "filter[partial_uid][condition][partial_uids]=abcdef,123456"],
      [
        key("descriptors.name").eq("baseline"),
        'filter[eq][condition][key]=descriptors.name&filter[eq][condition][value]="baseline"',
      ],
    ];
    for (const [query, text] of expected) {
      const params = queryToTiledParams(query);
      assert.equal(params.map(([name, value]) => `${name}=${value}`).join("&"), text);
      assert.deepEqual(
        queryFromTiledParams(new URLSearchParams(params)),
        query.op === "not" ? key("x").missing() : query,
      );
    }
  });

  it("send a conjunction as repeated filters paired by position, and read them back", () => {
    const query = key("a").eq(1).and(key("b").eq("two"), key("c").ge(3), fullText("x"));
    const params = queryToTiledParams(query);
    assert.deepEqual(params, [
      ["filter[eq][condition][key]", "start.a"],
      ["filter[eq][condition][value]", "1"],
      ["filter[eq][condition][key]", "start.b"],
      ["filter[eq][condition][value]", '"two"'],
      ["filter[comparison][condition][operator]", "ge"],
      ["filter[comparison][condition][key]", "start.c"],
      ["filter[comparison][condition][value]", "3"],
      ["filter[fulltext][condition][text]", "x"],
    ]);
    // Filters come back grouped by type (Tiled applies them in any order; they are ANDed).
    const read = queryFromTiledParams(new URLSearchParams(params));
    const byOp = (a: Query, b: Query) => a.op.localeCompare(b.op);
    assert.ok(read.op === "and");
    assert.deepEqual([...read.queries].sort(byOp), [...query.queries].sort(byOp));
  });

  it("read what Python clients send: prefixed and bare keys, Python floats, objects of parameters", () => {
    assert.deepEqual(
      queryFromTiledParams({
        "filter[eq][condition][key]": ["start.plan_name", "sample"],
        "filter[eq][condition][value]": ['"scan"', '{"name": "Si"}'],
        "filter[time_range][condition][timezone]": "US/Eastern",
        "filter[time_range][condition][since]": "1427698800.0",
        "page[offset]": "0",
        sort: "-time",
      }),
      {
        op: "and",
        queries: [
          { op: "eq", key: "plan_name", value: "scan" },
          { op: "eq", key: "sample", value: { name: "Si" } },
          { op: "timeRange", since: 1_427_698_800, timezone: "US/Eastern" },
        ],
      },
    );
    assert.deepEqual(queryFromTiledParams(new URLSearchParams("filter[lookup][condition][key]=abc")), {
      op: "eq",
      key: "uid",
      value: "abc",
    });
    assert.deepEqual(
      queryFromTiledParams(new URLSearchParams('filter[keys_filter][condition][keys]=["a","b"]')),
      {
        op: "in",
        key: "uid",
        values: ["a", "b"],
      },
    );
    assert.deepEqual(
      queryFromTiledParams(
        new URLSearchParams(
          'filter[specs][condition][include]=["BlueskyRun"]&filter[specs][condition][exclude]=[]',
        ),
      ),
      { op: "all" },
    );
    assert.deepEqual(
      queryFromTiledParams(new URLSearchParams("filter[structure_family][condition][value]=array")),
      {
        op: "not",
        query: { op: "all" },
      },
    );
    assert.deepEqual(queryFromTiledParams(new URLSearchParams("")), { op: "all" });
    // A start key whose first segment names another document keeps its prefix.
    assert.deepEqual(
      queryFromTiledParams(
        new URLSearchParams("filter[eq][condition][key]=start.stop&filter[eq][condition][value]=1"),
      ),
      { op: "eq", key: "start.stop", value: 1 },
    );
  });

  it("merge several time ranges of one conjunction into their intersection", () => {
    const query = timeRange({ since: 10, timezone: "UTC" }).and(
      timeRange({ since: 5, until: 50, timezone: "UTC" }),
      timeRange({ until: 40, timezone: "UTC" }),
    );
    assert.deepEqual(queryFromTiledParams(new URLSearchParams(queryToTiledParams(query))), {
      op: "timeRange",
      since: 10,
      until: 40,
      timezone: "UTC",
    });
  });

  it("refuse or / not, which Tiled cannot express", () => {
    assert.throws(() => queryToTiledParams(key("a").eq(1).or(key("b").eq(2))), UnsupportedError);
    assert.throws(() => queryToTiledParams(key("a").eq(1).not()), UnsupportedError);
    assert.deepEqual(queryToTiledParams({ op: "all" }), []);
  });

  it("name the parameter and the rule of bad filters", () => {
    assert.throws(() => queryFromTiledParams(new URLSearchParams("filter[teleport][condition][to]=mars")), {
      name: "UnsupportedError",
      message: "The query type 'teleport' is not supported on this node.",
    });
    assert.deepEqual(
      findingsOf(() =>
        queryFromTiledParams(
          new URLSearchParams("filter[eq][condition][key]=a&filter[eq][condition][value]=scan"),
        ),
      ),
      [{ path: "filter[eq][condition][value]", rule: "json" }],
    );
    assert.deepEqual(
      findingsOf(() =>
        queryFromTiledParams(
          new URLSearchParams(
            "filter[eq][condition][key]=a&filter[eq][condition][key]=b&filter[eq][condition][value]=1",
          ),
        ),
      ),
      [
        { path: "filter[eq][condition][value]", rule: "pairing" },
        { path: "filter[eq][condition][value]", rule: "required" },
      ],
    );
    assert.deepEqual(
      findingsOf(() =>
        queryFromTiledParams(new URLSearchParams("filter[partial_uid][condition][partial_uids]=abc")),
      ),
      [{ path: "filter[partial_uid][condition][partial_uids]", rule: "min-length" }],
    );
    assert.deepEqual(
      findingsOf(() =>
        queryFromTiledParams(
          new URLSearchParams(
            "filter[scan_id][condition][scan_ids]=1,x&filter[scan_id][condition][duplicates]=latest",
          ),
        ),
      ),
      [{ path: "filter[scan_id][condition][scan_ids]", rule: "type" }],
    );
    assert.deepEqual(
      findingsOf(() =>
        queryFromTiledParams(
          new URLSearchParams(
            "filter[regex][condition][key]=a&filter[regex][condition][pattern]=(&filter[regex][condition][case_sensitive]=maybe",
          ),
        ),
      ),
      [{ path: "filter[regex][condition][case_sensitive]", rule: "type" }],
    );
  });
});
