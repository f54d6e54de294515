// Regexes run on RE2 (linear time) yet mean what the docs say, ECMAScript in unicode mode: each accepted
// pattern, case-sensitive and not, matches exactly the strings JavaScript's own RegExp matches, over awkward
// subjects (newlines, Unicode spaces and digits, astral characters, case folding); what RE2 cannot run is
// refused with the reason; patterns that make a backtracking engine run for ages answer at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { likeMatcher } from "../../src/queries/likePattern.ts";
import { regexProblem, regexpOf } from "../../src/queries/regexPattern.ts";

const SUBJECTS = [
  "",
  "a",
  "abc",
  "ABC",
  "a\nb",
  "a\rb",
  "a\u2028b",
  "a b",
  "a\u00a0b",
  "a\tb",
  "x\u000by",
  "x_y",
  "x-y",
  "123",
  "\u0663\u0664",
  "café",
  "CAFÉ",
  "Äpfel",
  "äpfel",
  "𝔘 astral",
  "😀",
  "[x]*?",
  "a\\b",
  "50%_off",
  "word boundary",
  "ÿ",
  "ſ",
  "K",
  "k",
  "Σ",
  "ς",
  "σ",
  "ß",
  "\u{10ffff}",
];

const PATTERNS = [
  "a.b",
  "^.$",
  "\\s",
  "\\S+$",
  "\\d",
  "\\D",
  "\\w+",
  "^\\W",
  "^\\w$",
  "^\\W$",
  "\\bb",
  "a\\B",
  "[\\d\\s]",
  "[^\\D]",
  "[^\\W_]",
  "[\\S]",
  "[^\\s\\d]",
  "[\\s\\S]",
  "[^\\s\\S]",
  "\\x41B",
  "\\u00e9",
  "\\uD835\\uDD18",
  "[\\uD83D\\uDE00-\\uD83D\\uDE4F]",
  "[[:a]",
  "[a\\-z]",
  "[\\]x]",
  "\\[x\\]\\*\\?",
  "a\\\\b",
  "%_",
  "^(a|s)",
  "[a-c]{2,3}",
  "c.f.",
  "ÄPFEL",
  "[a-c]+",
  "^\\t",
  "\\v|\\f",
  "^[^k]$",
  "σ",
  "^$",
  "",
  "a*?b",
  "(?:ab)+",
  "\\/",
  "[\\b]",
  "\\0",
  "[\\0-\\x1f]",
  "x{0}",
  "a{2}|b{1,}",
];

describe("RE2 runs the documented syntax", () => {
  it("every accepted pattern matches exactly the strings RegExp matches, with and without case", () => {
    for (const pattern of PATTERNS) {
      assert.equal(regexProblem(pattern), undefined, pattern);
      for (const caseSensitive of [true, false]) {
        const expected = new RegExp(pattern, caseSensitive ? "u" : "iu");
        const matcher = regexpOf(pattern, caseSensitive);
        for (const subject of SUBJECTS)
          assert.equal(
            matcher.test(subject),
            expected.test(subject),
            `/${pattern}/${caseSensitive ? "" : "i"} on ${JSON.stringify(subject)}`,
          );
      }
    }
  });

  it("refuses what RE2 (or another backend) cannot run, with the reason", () => {
    const refused: Array<[string, RegExp]> = [
      ["b(?=c)", /lookahead/],
      ["a(?!b)", /lookahead/],
      ["(?<=a)b", /lookbehind/],
      ["(a)\\1", /backreferences/],
      ["a{300}", /limited to 255/],
      ["(a{200}){200}", /RE2/],
      ["\\uD800", /unpaired surrogate/],
    ];
    for (const [pattern, reason] of refused) assert.match(regexProblem(pattern) ?? "", reason, pattern);
  });

  it("answers at once where a backtracking engine runs for ages", () => {
    const long = "x".repeat(100_000);
    assert.equal(regexpOf("^(x+x+)+y$", true).test(long), false);
    assert.equal(regexpOf("^(x+x+)+y$", true).test(`${long}y`), true);
    assert.equal(regexpOf("(a*)*b", true).test("a".repeat(100_000)), false);
    assert.equal(regexpOf("(a|aa)+$", true).test(`${"a".repeat(100_000)}!`), false);
    assert.equal(regexpOf("(.*a){20}", true).test("a".repeat(100_000)), true);
    assert.equal(likeMatcher("%a%a%a%a%a%a%a%a%a%b").test("a".repeat(100_000)), false);
  });

  it("LIKE matches whole strings by code points, across newlines, with escapes", () => {
    assert.equal(likeMatcher("a_c").test("a😀c"), true);
    assert.equal(likeMatcher("a%c").test("a\nb\nc"), true);
    assert.equal(likeMatcher("50\\%%").test("50%_off"), true);
    assert.equal(likeMatcher("50\\%%").test("500"), false);
    assert.equal(likeMatcher("[x]*?").test("[x]*?"), true);
    assert.equal(likeMatcher("abc").test("xabc"), false);
  });
});
