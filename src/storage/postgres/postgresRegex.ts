// A Regex query's pattern (ECMAScript, unicode mode, the portable subset queries/regexPattern.ts accepts) as a
// PostgreSQL ARE that matches the same strings. What PostgreSQL reads differently is spelled out: \d \w \s
// (locale-dependent there), `.` (matches newlines there), \b (a backspace there) and \xHH (greedy there).
import { ValidationError } from "../../errors.ts";
import { regexProblem } from "../../queries/regexPattern.ts";
import {
  type ClassItem,
  LINE_TERMINATORS,
  type RegexToken,
  regexTokens,
  SET_RANGES,
  type SetName,
} from "../../queries/regexSyntax.ts";

function hex(codePoint: number): string {
  return codePoint > 0xffff
    ? `\\U${codePoint.toString(16).padStart(8, "0")}`
    : `\\u${codePoint.toString(16).padStart(4, "0")}`;
}

/** The members of a bracket expression, as \u escapes so nothing reads as PostgreSQL syntax ([:alpha:], ^). */
function members(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join("");
}

const SETS: Record<SetName, string> = {
  d: members(SET_RANGES.d),
  w: members(SET_RANGES.w),
  s: members(SET_RANGES.s),
};
const DOT = `[^${members(LINE_TERMINATORS.map((codePoint) => [codePoint, codePoint]))}]`;
const WORD = SETS.w;
const WORD_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_WORD_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;

/** ASCII punctuation: written escaped, it stays a literal in an ARE as in ECMAScript. */
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;

function charOf(codePoint: number, escaped: boolean): string {
  const char = String.fromCodePoint(codePoint);
  if (!escaped) return char;
  return PUNCTUATION.test(char) ? `\\${char}` : hex(codePoint);
}

/**
 * A character class. A negated escape inside a class (\D \W \S) becomes a lookahead, since PostgreSQL would
 * read it by locale.
 */
function characterClass(negated: boolean, items: ClassItem[]): string {
  let inside = "";
  const excluded: string[] = [];
  for (const item of items) {
    if ("from" in item) inside += members([[item.from, item.to]]);
    else if (item.negated) excluded.push(SETS[item.set]);
    else inside += SETS[item.set];
  }
  if (excluded.length === 0) return negated ? `[^${inside}]` : `[${inside}]`;
  if (!negated) {
    // Any member, or any character outside one of the excluded sets.
    const choices = [...(inside ? [`[${inside}]`] : []), ...excluded.map((set) => `[^${set}]`)];
    return `(?:${choices.join("|")})`;
  }
  // No member, and inside every excluded set (the negation of "outside one of them").
  const last = excluded.pop()!;
  const notMember = inside ? `(?![${inside}])` : "";
  return `(?:${notMember}${excluded.map((set) => `(?=[${set}])`).join("")}[${last}])`;
}

function areToken(token: RegexToken): string {
  switch (token.kind) {
    case "char":
      return charOf(token.codePoint, token.escaped);
    case "set":
      return `[${token.negated ? "^" : ""}${SETS[token.set]}]`;
    case "boundary":
      return token.negated ? NOT_WORD_BOUNDARY : WORD_BOUNDARY;
    case "dot":
      return DOT;
    case "class":
      return characterClass(token.negated, token.items);
    case "syntax":
      return token.text;
  }
}

/** The ARE for a Regex query's pattern; ValidationError when the pattern is not an accepted one. */
export function postgresRegex(pattern: string): string {
  const problem = regexProblem(pattern);
  if (problem) throw new ValidationError(`regex ${JSON.stringify(pattern)}: ${problem}`);
  return regexTokens(pattern).map(areToken).join("");
}
