// A Regex query's pattern in RE2's syntax, compiled by re2js, the linear-time engine used for memory and files
// evaluation and SQLite's `regexp`: no pattern can backtrack for ages. What RE2 reads differently from
// ECMAScript (\s, `.`, classes) is spelled out as code points. Why re2js: pure JavaScript, and on short values
// 5-9x RegExp's time (bench/regex.bench.ts), where the `re2` addon is 20x (and builds ~4 min) and re2-wasm 60-80x.
import { RE2JS } from "re2js";
import { LINE_TERMINATORS, type RegexToken, regexTokens, SET_RANGES, type SetName } from "./regexSyntax.ts";

const MAX_CODE_POINT = 0x10ffff;

type Range = readonly [number, number];

function hex(codePoint: number): string {
  return `\\x{${codePoint.toString(16)}}`;
}

/** Sorted, merged ranges. */
function normalized(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The code points outside `ranges`. */
function complement(ranges: Range[]): Range[] {
  const outside: Range[] = [];
  let next = 0;
  for (const [from, to] of normalized(ranges)) {
    if (from > next) outside.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) outside.push([next, MAX_CODE_POINT]);
  return outside;
}

/**
 * A class escape's code points. Ignoring case, ECMAScript's \w also holds ſ and K (they fold to s and k); RE2
 * folds a class before negating it, so \W's complement must leave them out too or it folds back to s and k.
 */
function setRanges(set: SetName, negated: boolean, caseSensitive: boolean): Range[] {
  const ranges: Range[] = [...SET_RANGES[set]];
  if (set === "w" && !caseSensitive) ranges.push([0x17f, 0x17f], [0x212a, 0x212a]);
  return negated ? complement(ranges) : ranges;
}

/** A bracket expression of explicit code points, so nothing in it reads as RE2 class syntax ([:alpha:]). */
function bracket(ranges: Range[], negated: boolean): string {
  const members = normalized(ranges)
    .map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`))
    .join("");
  return `[${negated ? "^" : ""}${members}]`;
}

const DOT = bracket(
  LINE_TERMINATORS.map((codePoint) => [codePoint, codePoint]),
  true,
);

function re2Token(token: RegexToken, caseSensitive: boolean): string {
  switch (token.kind) {
    case "char":
      return token.escaped ? hex(token.codePoint) : String.fromCodePoint(token.codePoint);
    case "set":
      return bracket(setRanges(token.set, false, caseSensitive), token.negated);
    case "boundary":
      // Both ASCII word boundaries, as ECMAScript's.
      return token.negated ? "\\B" : "\\b";
    case "dot":
      return DOT;
    case "class":
      return bracket(
        token.items.flatMap((item) =>
          "from" in item ? [[item.from, item.to] as const] : setRanges(item.set, item.negated, caseSensitive),
        ),
        token.negated,
      );
    case "syntax":
      return token.text;
  }
}

/** The pattern in RE2's syntax (the pattern must be one regexProblem accepts, RE2 aside). */
export function re2Source(pattern: string, caseSensitive: boolean): string {
  return regexTokens(pattern)
    .map((token) => re2Token(token, caseSensitive))
    .join("");
}

/** What a compiled Regex query offers: a search anywhere in the text. */
export interface TextMatcher {
  test(text: string): boolean;
}

/** The pattern compiled by RE2; throws RE2's reason when it cannot run the pattern (too large, ...). */
export function re2Compiled(pattern: string, caseSensitive: boolean): TextMatcher {
  const source = re2Source(pattern, caseSensitive);
  try {
    return RE2JS.compile(source, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw new Error(`the linear-time engine (RE2) cannot run it: ${(error as Error).message}`);
  }
}
