// A Regex query's pattern read into tokens, so each engine that runs it (RE2 in JavaScript, PostgreSQL's ARE)
// writes the same meaning in its own syntax. Reads only patterns regexProblem accepted (valid ECMAScript in
// unicode mode, the portable subset); throws a plain Error with the reason for what no engine may run.

/** Class escapes: \d \w \s (their negations \D \W \S carry `negated`). */
export type SetName = "d" | "w" | "s";

/** A member of a character class: a range of code points, or a class escape. */
export type ClassItem = { from: number; to: number } | { set: SetName; negated: boolean };

export type RegexToken =
  /** One character; `escaped` when written with a backslash (\. \t \x41 \u00e9 \0). */
  | { kind: "char"; codePoint: number; escaped: boolean }
  | { kind: "set"; set: SetName; negated: boolean }
  /** \b, or \B when negated. */
  | { kind: "boundary"; negated: boolean }
  | { kind: "dot" }
  | { kind: "class"; negated: boolean; items: ClassItem[] }
  /** Groups, alternation, anchors and quantifiers, as written: ( (?: ) | ^ $ * + ? {n,m}. */
  | { kind: "syntax"; text: string };

/** The code points of ECMAScript's \d, \w and \s (WhiteSpace and LineTerminator), as ranges. */
export const SET_RANGES: Record<SetName, ReadonlyArray<readonly [number, number]>> = {
  d: [[0x30, 0x39]],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  s: [
    [0x09, 0x0d],
    [0x20, 0x20],
    [0xa0, 0xa0],
    [0x1680, 0x1680],
    [0x2000, 0x200a],
    [0x2028, 0x2029],
    [0x202f, 0x202f],
    [0x205f, 0x205f],
    [0x3000, 0x3000],
    [0xfeff, 0xfeff],
  ],
};

/** What ECMAScript's `.` does not match without the s flag. */
export const LINE_TERMINATORS: readonly number[] = [0x0a, 0x0d, 0x2028, 0x2029];

/** The largest repetition count accepted: PostgreSQL's limit, so a pattern runs the same everywhere. */
export const MAX_REPEAT = 255;

const CONTROLS: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** Reads the pattern one code point at a time. */
class Reader {
  private readonly chars: string[];
  private at = 0;

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
    throw new Error("an unpaired surrogate escape matches no stored text");
  return unit;
}

/** A class escape letter (d D w W s S) as a set, else undefined. */
function setOf(letter: string): { set: SetName; negated: boolean } | undefined {
  const lower = letter.toLowerCase();
  if (lower !== "d" && lower !== "w" && lower !== "s") return undefined;
  return { set: lower, negated: letter !== lower };
}

/** One escape outside a character class (the backslash already read). */
function escapeToken(reader: Reader): RegexToken {
  const letter = reader.next();
  const set = setOf(letter);
  if (set) return { kind: "set", ...set };
  if (letter === "b" || letter === "B") return { kind: "boundary", negated: letter === "B" };
  if (letter in CONTROLS) return { kind: "char", codePoint: CONTROLS[letter], escaped: true };
  const codePoint = codePointEscape(reader, letter) ?? letter.codePointAt(0)!;
  return { kind: "char", codePoint, escaped: true };
}

/** One member inside a class: a character (as a code point), or a class escape. */
function classAtom(reader: Reader): { codePoint: number } | { set: SetName; negated: boolean } {
  const char = reader.next();
  if (char !== "\\") return { codePoint: char.codePointAt(0)! };
  const letter = reader.next();
  const set = setOf(letter);
  if (set) return set;
  if (letter === "b") return { codePoint: 8 };
  if (letter in CONTROLS) return { codePoint: CONTROLS[letter] };
  return { codePoint: codePointEscape(reader, letter) ?? letter.codePointAt(0)! };
}

/** A character class (the `[` already read). */
function classToken(reader: Reader): RegexToken {
  const negated = reader.peek() === "^";
  if (negated) reader.next();
  const items: ClassItem[] = [];
  while (reader.peek() !== "]") {
    const atom = classAtom(reader);
    if ("set" in atom) {
      items.push(atom);
    } else if (reader.peek() === "-" && reader.peek(1) !== "]" && reader.peek(1) !== undefined) {
      reader.next();
      const end = classAtom(reader) as { codePoint: number };
      items.push({ from: atom.codePoint, to: end.codePoint });
    } else items.push({ from: atom.codePoint, to: atom.codePoint });
  }
  reader.next();
  return { kind: "class", negated, items };
}

/** `{n}`, `{n,}` or `{n,m}`, its counts checked against MAX_REPEAT. */
function repeatToken(reader: Reader): RegexToken {
  const match = /^\{(\d+)(?:,(\d*))?\}/.exec(reader.rest())!;
  const counts = [match[1], match[2]].filter((count) => count !== undefined && count !== "").map(Number);
  if (counts.some((count) => count > MAX_REPEAT))
    throw new Error(`repetitions are limited to ${MAX_REPEAT} ({${counts.join(",")}})`);
  return { kind: "syntax", text: reader.take([...match[0]].length) };
}

/** The tokens of an accepted pattern. */
export function regexTokens(pattern: string): RegexToken[] {
  const reader = new Reader(pattern);
  const tokens: RegexToken[] = [];
  while (!reader.done) {
    const char = reader.peek()!;
    if (char === "\\") {
      reader.next();
      tokens.push(escapeToken(reader));
    } else if (char === "[") {
      reader.next();
      tokens.push(classToken(reader));
    } else if (char === ".") {
      reader.next();
      tokens.push({ kind: "dot" });
    } else if (char === "{") tokens.push(repeatToken(reader));
    else if (char === "(" && reader.peek(1) === "?") tokens.push({ kind: "syntax", text: reader.take(3) });
    else if ("()|^$*+?".includes(char)) tokens.push({ kind: "syntax", text: reader.next() });
    else tokens.push({ kind: "char", codePoint: reader.next().codePointAt(0)!, escaped: false });
  }
  return tokens;
}
