// A Regex query's pattern (ECMAScript, unicode mode, the portable subset queries/regexPattern.ts accepts) as a
// PostgreSQL ARE that matches the same strings. What PostgreSQL reads differently is spelled out: \d \w \s
// (locale-dependent there), `.` (matches newlines there), \b (a backspace there) and \xHH (greedy there).
import { UnsupportedError, ValidationError } from "../../errors.ts";
import { regexProblem } from "../../queries/regexPattern.ts";

const DIGIT = "0-9";
const WORD = "A-Za-z0-9_";
/** ECMAScript's WhiteSpace and LineTerminator characters, what its \s matches. */
const SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const CLASS_ESCAPES: Record<string, string> = { d: DIGIT, w: WORD, s: SPACE };
/** What ECMAScript's `.` matches without the s flag. */
const DOT = "[^\\n\\r\\u2028\\u2029]";
const WORD_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_WORD_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
const CONTROL_ESCAPES = new Set(["t", "n", "r", "f", "v"]);
/** PostgreSQL's limit on a bounded repetition ({n,m}). */
const MAX_REPEAT = 255;

function hex(codePoint: number): string {
  return codePoint > 0xffff
    ? `\\U${codePoint.toString(16).padStart(8, "0")}`
    : `\\u${codePoint.toString(16).padStart(4, "0")}`;
}

/** Reads the pattern one code point at a time. */
class Reader {
  readonly chars: string[];
  at = 0;

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  get done(): boolean {
    return this.at >= this.chars.length;
  }

  peek(offset = 0): string | undefined {
    return this.chars[this.at + offset];
  }

  next(): string {
    return this.chars[this.at++];
  }

  take(count: number): string {
    const text = this.chars.slice(this.at, this.at + count).join("");
    this.at += count;
    return text;
  }

  rest(): string {
    return this.chars.slice(this.at).join("");
  }
}

/** After a backslash: \xHH, \uHHHH (a surrogate pair as one code point) or \0, as a code point; else undefined. */
function codePointEscape(reader: Reader, letter: string): number | undefined {
  if (letter === "0") return 0;
  if (letter === "x") return Number.parseInt(reader.take(2), 16);
  if (letter !== "u") return undefined;
  const unit = Number.parseInt(reader.take(4), 16);
  if (unit >= 0xd800 && unit <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(reader.rest())) {
    reader.take(2);
    const low = Number.parseInt(reader.take(4), 16);
    return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
  }
  if (unit >= 0xd800 && unit <= 0xdfff)
    throw new UnsupportedError("regex: an unpaired surrogate escape matches no stored text on PostgreSQL");
  return unit;
}

/** One escape outside a character class (the backslash already read). */
function escapeOutsideClass(reader: Reader): string {
  const letter = reader.next();
  if (letter in CLASS_ESCAPES) return `[${CLASS_ESCAPES[letter]}]`;
  const lower = letter.toLowerCase();
  if (lower in CLASS_ESCAPES) return `[^${CLASS_ESCAPES[lower]}]`;
  if (letter === "b") return WORD_BOUNDARY;
  if (letter === "B") return NOT_WORD_BOUNDARY;
  if (CONTROL_ESCAPES.has(letter)) return `\\${letter}`;
  const codePoint = codePointEscape(reader, letter);
  if (codePoint !== undefined) return hex(codePoint);
  // An escaped syntax character (or /): literal in both languages.
  return `\\${letter}`;
}

/** One atom inside a class: a character (as a code point), or a class escape (\d \D ...). */
type ClassAtom = { codePoint: number } | { escape: string; negated: boolean };

function classAtom(reader: Reader): ClassAtom {
  const char = reader.next();
  if (char !== "\\") return { codePoint: char.codePointAt(0)! };
  const letter = reader.next();
  if (letter in CLASS_ESCAPES) return { escape: CLASS_ESCAPES[letter], negated: false };
  const lower = letter.toLowerCase();
  if (lower in CLASS_ESCAPES) return { escape: CLASS_ESCAPES[lower], negated: true };
  if (letter === "b") return { codePoint: 8 };
  const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
  if (letter in controls) return { codePoint: controls[letter] };
  const codePoint = codePointEscape(reader, letter);
  return { codePoint: codePoint ?? letter.codePointAt(0)! };
}

/**
 * A character class (the `[` already read). Characters are written as \u escapes, so nothing in them reads as
 * PostgreSQL bracket syntax ([:alpha:], ranges, ^). A negated escape inside a class (\D \W \S) becomes a
 * lookahead, since PostgreSQL would read it by locale.
 */
function characterClass(reader: Reader): string {
  const negated = reader.peek() === "^";
  if (negated) reader.next();
  let members = "";
  const excluded: string[] = [];
  while (reader.peek() !== "]") {
    const atom = classAtom(reader);
    if ("escape" in atom) {
      if (atom.negated) excluded.push(atom.escape);
      else members += atom.escape;
      continue;
    }
    if (reader.peek() === "-" && reader.peek(1) !== "]" && reader.peek(1) !== undefined) {
      reader.next();
      const end = classAtom(reader) as { codePoint: number };
      members += `${hex(atom.codePoint)}-${hex(end.codePoint)}`;
    } else members += hex(atom.codePoint);
  }
  reader.next();
  if (excluded.length === 0) return negated ? `[^${members}]` : `[${members}]`;
  if (!negated) {
    // Any member, or any character outside one of the excluded sets.
    const choices = [...(members ? [`[${members}]`] : []), ...excluded.map((set) => `[^${set}]`)];
    return `(?:${choices.join("|")})`;
  }
  // No member, and inside every excluded set (the negation of "outside one of them").
  const last = excluded.pop()!;
  const notMember = members ? `(?![${members}])` : "";
  return `(?:${notMember}${excluded.map((set) => `(?=[${set}])`).join("")}[${last}])`;
}

function checkedRepeat(reader: Reader): string {
  const match = /^\{(\d+)(?:,(\d*))?\}/.exec(reader.rest());
  if (!match) return reader.next();
  const counts = [match[1], match[2]].filter((count) => count !== undefined && count !== "").map(Number);
  if (counts.some((count) => count > MAX_REPEAT))
    throw new UnsupportedError(
      `regex: PostgreSQL repeats at most ${MAX_REPEAT} times ({${counts.join(",")}})`,
    );
  return reader.take([...match[0]].length);
}

/** The ARE for a Regex query's pattern; ValidationError when the pattern is not an accepted one. */
export function postgresRegex(pattern: string): string {
  const problem = regexProblem(pattern);
  if (problem) throw new ValidationError(`regex ${JSON.stringify(pattern)}: ${problem}`);
  const reader = new Reader(pattern);
  let out = "";
  while (!reader.done) {
    const char = reader.peek()!;
    if (char === "\\") {
      reader.next();
      out += escapeOutsideClass(reader);
    } else if (char === "[") {
      reader.next();
      out += characterClass(reader);
    } else if (char === ".") {
      reader.next();
      out += DOT;
    } else if (char === "{") out += checkedRepeat(reader);
    else out += reader.next();
  }
  return out;
}
