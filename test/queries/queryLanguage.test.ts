// The query language for people: what each form means, precedence, time strings, errors that point at the
// column, and formatQuery/parseQuery round trips (hand-picked and seeded random queries).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import {
  and,
  formatQuery,
  fullText,
  fuzzy,
  key,
  not,
  or,
  parseQuery,
  partialUid,
  type Query,
  scanId,
  scanIdRange,
  timeRange,
} from "../../src/queries/index.ts";
import { QueryGenerator, seededRandom, type Vocabulary } from "./randomQueries.ts";

const UTC = { timezone: "UTC" };

function errorOf(text: string): ValidationError {
  try {
    parseQuery(text, UTC);
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe("parseQuery", () => {
  it("reads the example of the issue", () => {
    assert.deepEqual(
      parseQuery('plan_name == "scan" and (scan_id >= 5 or "free text") and time >= "2020-01-01"', UTC),
      and(
        key("plan_name").eq("scan"),
        or(key("scan_id").ge(5), fullText("free text")),
        timeRange({ since: Date.UTC(2020, 0, 1) / 1000, timezone: "UTC" }),
      ),
    );
  });

  it("reads every operator", () => {
    const cases: Array<[string, Query]> = [
      ["a == 1", key("a").eq(1)],
      ["a != null", key("a").ne(null)],
      ["a < 2.5e3", key("a").lt(2500)],
      ["a <= -1", key("a").le(-1)],
      ['a > "m"', key("a").gt("m")],
      ["a >= 0", key("a").ge(0)],
      ['a in [1, "x", [true], {"k": null}]', key("a").in([1, "x", [true], { k: null }])],
      ["a not in []", key("a").notIn([])],
      ['detectors contains "det"', key("detectors").contains("det")],
      ['sample like "Ni%"', key("sample").like("Ni%")],
      ['owner =~ "^x"', key("owner").regex("^x")],
      ['owner =~* "^x"', key("owner").regex("^x", { caseSensitive: false })],
      ["owner =~ /a\\/b[/]/i", key("owner").regex("a\\/b[/]", { caseSensitive: false })],
      ["stop.exit_status exists", key("stop.exit_status").exists()],
      ["operator MISSING", key("operator").missing()],
      ['"Si wafer"', fullText("Si wafer")],
      ["*", { op: "all" }],
      ["", { op: "all" }],
      ['descriptors.data_keys.det.units == "counts"', key("descriptors.data_keys.det.units").eq("counts")],
      [
        "`sample name` == 1 and `and` == 2 and `a``b` == 3",
        and(key("sample name").eq(1), key("and").eq(2), key("a`b").eq(3)),
      ],
      ['scanId(5, 6, duplicates="all")', scanId([5, 6], { duplicates: "all" })],
      ["scan_id(5)", scanId(5)],
      ["scanIdRange(1, 10)", scanIdRange(1, 10)],
      ['partialUid("abcdef")', partialUid("abcdef")],
      [
        'timeRange(since="2015", until=1500000000, timezone="Europe/Paris")',
        timeRange({ since: "2015", until: 1_500_000_000, timezone: "Europe/Paris" }),
      ],
      ['timeRange(until="2015-03-30 03:00")', timeRange({ until: "2015-03-30 03:00", timezone: "UTC" })],
    ];
    for (const [text, expected] of cases) assert.deepEqual(parseQuery(text, UTC), expected, text);
  });

  it("binds not tighter than and, and tighter than or; parentheses group", () => {
    const [a, b, c] = ["a", "b", "c"].map((name) => key(name).eq(1));
    assert.deepEqual(parseQuery("a == 1 or b == 1 and c == 1", UTC), or(a, and(b, c)));
    assert.deepEqual(parseQuery("(a == 1 or b == 1) and c == 1", UTC), and(or(a, b), c));
    assert.deepEqual(parseQuery("not a == 1 and b == 1", UTC), and(not(a), b));
    assert.deepEqual(parseQuery("not (a == 1 and b == 1)", UTC), not(and(a, b)));
    assert.deepEqual(parseQuery("a == 1 AND b == 1 Or c == 1", UTC), or(and(a, b), c));
    // Chains flatten; parenthesised groups stay nested, so formatting gives them back.
    assert.deepEqual(parseQuery("a == 1 and (b == 1 and c == 1)", UTC), and(a, and(b, c)));
  });

  it("reads bare time comparisons with strings as times in the zone given", () => {
    const paris = { timezone: "Europe/Paris" };
    const since = Date.UTC(2020, 0, 1) / 1000 - 3600;
    assert.deepEqual(
      parseQuery('time >= "2020-01-01"', paris),
      timeRange({ since, timezone: "Europe/Paris" }),
    );
    assert.deepEqual(
      parseQuery('start.time < "2020"', paris),
      timeRange({ until: since, timezone: "Europe/Paris" }),
    );
    assert.deepEqual(parseQuery('time > "2020-01-01T00:00:00Z"', paris), key("time").gt(since + 3600));
    assert.deepEqual(parseQuery('stop.time <= "2020"', paris), key("stop.time").le(since));
    assert.deepEqual(parseQuery("time >= 5", paris), key("time").ge(5));
    // Backticked keys are taken literally.
    assert.deepEqual(parseQuery('`time` == "2020"', paris), key("time").eq("2020"));
  });

  it("points at the column of mistakes, with the text and a caret", () => {
    const text = 'plan_name == "scan" and (scan_id >= 5 or "free text" and time >= "2020-01-01"';
    const error = errorOf(text);
    const column = text.length + 1;
    assert.equal(
      error.message,
      `expected \`)\` at column ${column}\n  ${text}\n  ${" ".repeat(column - 1)}^`,
    );
    assert.deepEqual(error.findings, [
      { name: "query", path: `column ${column}`, rule: "syntax", message: "expected `)`" },
    ]);
    const cases: Array<[string, number, RegExp]> = [
      ["plan_name == ", 14, /expected a value/],
      ["plan_name = 1", 11, /expected an operator/],
      ["a == scan", 6, /expected a JSON value, not "scan"/],
      ['a == "unterminated', 6, /unterminated string/],
      ["a @ 1", 3, /unexpected character "@"/],
      ["a == 1 b == 2", 8, /expected `and`, `or` or the end/],
      ["a == 1 or", 10, /expected a condition/],
      ["a not like 1", 7, /expected `in` after `not`/],
      ['x =~ "("', 6, /Unterminated group/],
      ['x like "a\\\\"', 8, /lone backslash/],
      ['time == "2020"', 6, /compare time with a time/],
      ['time >= "2020-13"', 9, /no month 13/],
      ['partialUid("abc")', 1, /at least 5 characters/],
      ['timeRange(since="2015", zone="UTC")', 25, /no argument zone/],
      ["teleport(1)", 1, /unknown function teleport/],
      ["a in 1", 6, /expected a list/],
    ];
    for (const [text, column, message] of cases) {
      const found = errorOf(text);
      assert.match(found.message, message, text);
      assert.match(found.message, new RegExp(`at column ${column}\\n`), `${text}: ${found.message}`);
      assert.ok(found.message.endsWith(`\n  ${" ".repeat(column - 1)}^`), found.message);
    }
    const multiline = errorOf('a == 1\nand b ==\n"x" and');
    assert.match(multiline.message, /at line 3, column 8\n {2}"x" and\n {9}\^$/);
  });

  it("refuses an unknown time zone", () => {
    assert.throws(() => parseQuery("a == 1", { timezone: "Atlantis/Capital" }), ValidationError);
  });
});

describe("fuzzy text", () => {
  it('reads ~"text" and fuzzy("text") as the same query, and prints it back as ~"text"', () => {
    assert.deepEqual(parseQuery('~"tempreture"'), fuzzy("tempreture"));
    assert.deepEqual(parseQuery('fuzzy("tempreture")'), fuzzy("tempreture"));
    assert.deepEqual(
      parseQuery('~"silcon wafr" and not plan_name == "scan"', UTC),
      and(fuzzy("silcon wafr"), not(key("plan_name").eq("scan"))),
    );
    for (const query of [fuzzy("tempreture"), or(fuzzy('a \\"b"'), fullText("c")), not(fuzzy("Straße"))])
      assert.deepEqual(parseQuery(formatQuery(query), UTC), query);
    assert.equal(formatQuery(fuzzy("tempreture")), '~"tempreture"');
  });

  it("refuses a ~ without text, fuzzy() without one text, and text without words", () => {
    assert.match(errorOf("~ scan").message, /expected a quoted text after `~` at column 3/);
    assert.match(errorOf("~").message, /expected a quoted text after `~`/);
    assert.match(errorOf("fuzzy()").message, /fuzzy takes one text at column 1/);
    assert.match(errorOf('fuzzy("a", "b")').message, /fuzzy takes one text/);
    assert.match(errorOf("fuzzy(3)").message, /fuzzy takes its text as a string at column 7/);
    assert.match(errorOf('~"..."').message, /fuzzy text needs at least one word at column 1/);
  });
});

describe("formatQuery", () => {
  it("prints queries people can read", () => {
    assert.equal(
      formatQuery(
        and(
          key("plan_name").eq("scan"),
          or(key("scan_id").ge(5), fullText("free text")),
          timeRange({ since: "2020-01-01", timezone: "Europe/Paris" }),
        ),
      ),
      'plan_name == "scan" and (scan_id >= 5 or "free text") and timeRange(since="2020-01-01T00:00:00+01:00", timezone="Europe/Paris")',
    );
    assert.equal(
      formatQuery(not(or(key("a").exists(), key("in").missing()))),
      "not (a exists or `in` missing)",
    );
    assert.equal(formatQuery(key("a").regex("x/y", { caseSensitive: false })), 'a =~* "x/y"');
    assert.equal(
      formatQuery(timeRange({ since: 1.0000005, timezone: "UTC" })),
      'timeRange(since=1.0000005, timezone="UTC")',
    );
  });

  const vocabulary: Vocabulary = {
    keys: [
      { key: "plan_name", values: ["scan", "count", 'quote " and \\ backslash', "ünïcödé ✓"] },
      { key: "time", values: [1_500_000_000, "2020-01-01"] },
      { key: "start.time", values: ["x"] },
      { key: "stop.time", values: [5, "y"] },
      { key: "sample name", values: [{ nested: [1, { deep: null }] }, [1, 2]] },
      { key: "in", values: [true, false] },
      { key: "a`tick", values: [1e21, -3.25e-7, 0] },
      { key: "descriptors.data_keys.det.units", values: ["counts", "mm"] },
      { key: "stop.exit_status", values: ["success", "abort"] },
      { key: "x.2theta", values: [12.5] },
    ],
    words: ["Si", "wafer", "ünïcödé", "scan"],
    uidPrefixes: ["abcdef", "0123456789"],
    scanIds: [-1, 0, 5, 1000],
    times: [1_500_000_000, 0, 1_700_000_000.25],
    timezones: ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"],
  };

  it("round-trips through parseQuery: 1000 seeded random queries", () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const query = new QueryGenerator(seededRandom(seed), vocabulary).next(4);
      const text = formatQuery(query);
      assert.deepEqual(parseQuery(text, { timezone: "Pacific/Chatham" }), query, `seed ${seed}: ${text}`);
      assert.equal(formatQuery(parseQuery(text)), text, `seed ${seed}`);
    }
  });
});
