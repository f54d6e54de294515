// JSON text to values: the native JSON.parse, and — when that fails, or when the text may hold a whole-valued
// float (1.0, 2e3) — a small parser that also accepts the NaN, Infinity and -Infinity tokens Python's json
// module writes, reports where the text is bad, and marks whole floats (floatMarks.ts) that JSON.parse loses.
import { markFloat } from "../floatMarks.ts";

/** A syntax error in JSON text, with the UTF-16 index where it was found. */
export class JsonSyntaxError extends SyntaxError {
  /** What is wrong, without the position. */
  readonly reason: string;
  readonly position: number;
  constructor(reason: string, position: number) {
    super(`${reason} at position ${position}`);
    this.reason = reason;
    this.position = position;
  }
}

const NON_FINITE_TOKENS: ReadonlyArray<[string, number]> = [
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
];
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/**
 * A number token that may be a whole float: a fraction of zeros, any exponent, or 16+ integer digits (where a
 * fraction rounds away). Anchored after `:`, `,`, `[` or a space so that hex in uids ("a-4e7") does not hit.
 */
const LONG_INTEGER = /[:,[\s]-?[0-9]{16}/;
const MAY_BE_WHOLE_FLOAT = /[:,[\s]-?[0-9]+(?:\.0+(?![0-9])|(?:\.[0-9]+)?[eE])|[:,[\s]-?[0-9]{16}/;

/**
 * Parses JSON text, accepting NaN / Infinity / -Infinity as numbers; throws JsonSyntaxError, also for an integer
 * a double cannot hold exactly (16+ digits send the text to the careful parser). Whole floats are marked
 * unless `floats` is false (events: their fields' dtypes say which numbers are floats).
 */
export function parseJson(text: string, floats = true): unknown {
  if (floats ? MAY_BE_WHOLE_FLOAT.test(text) : LONG_INTEGER.test(text))
    return new TolerantJsonParser(text).parseDocument();
  try {
    return JSON.parse(text);
  } catch {
    return new TolerantJsonParser(text).parseDocument();
  }
}

class TolerantJsonParser {
  private pos = 0;
  /** Whether the value parseValue just returned was written as a float although whole. */
  private wholeFloat = false;
  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("unexpected text after the JSON value");
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  private skipWhitespace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
  }

  private parseValue(): unknown {
    this.wholeFloat = false;
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === "{" || c === "[") {
      const container = c === "{" ? this.parseObject() : this.parseArray();
      this.wholeFloat = false; // set by the container's last member, not by the container
      return container;
    }
    if (c === '"') return this.parseString();
    for (const [token, value] of NON_FINITE_TOKENS) {
      if (this.text.startsWith(token, this.pos)) {
        this.pos += token.length;
        return value;
      }
    }
    for (const [token, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(token, this.pos)) {
        this.pos += token.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) {
      this.fail(
        c === undefined ? "unexpected end of JSON text" : `unexpected character ${JSON.stringify(c)}`,
      );
    }
    const number = Number(match[0]);
    const written = /[.eE]/.test(match[0]);
    // An integer a double cannot hold (past 2^53) would be stored rounded: refused, never changed silently.
    // A double's own shortest form (JavaScript writes 2^63 as 9223372036854776000) reads back as written.
    if (
      !written &&
      !Number.isSafeInteger(number) &&
      BigInt(match[0]) !== BigInt(number) &&
      String(number) !== match[0]
    ) {
      this.fail(
        `the integer ${match[0]} cannot be kept exactly (beyond ±2^53 it would become ${BigInt(number)}); write it as a string, or as a float (with an exponent) if rounding is acceptable`,
      );
    }
    this.pos += match[0].length;
    this.wholeFloat = Number.isInteger(number) && written;
    return number;
  }

  private parseString(): string {
    const start = this.pos;
    const text = this.text;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail("unterminated string");
      }
      if (c === 0x5c) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    this.pos = i + 1;
    try {
      // The native parser decodes escapes and rejects raw control characters exactly as JSON requires.
      return JSON.parse(text.slice(start, i + 1));
    } catch {
      this.pos = start;
      return this.fail("invalid string");
    }
  }

  private parseArray(): unknown[] {
    this.pos++;
    const array: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.parseValue());
      if (this.wholeFloat) markFloat(array, array.length - 1);
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === "]") return array;
      if (c !== ",") {
        this.pos--;
        this.fail("expected ',' or ']' in array");
      }
    }
  }

  private parseObject(): Record<string, unknown> {
    this.pos++;
    const object: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected a property name");
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos++] !== ":") {
        this.pos--;
        this.fail("expected ':' after a property name");
      }
      // defineProperty, like JSON.parse, so that a "__proto__" key stays an ordinary property.
      Object.defineProperty(object, key, {
        value: this.parseValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (this.wholeFloat) markFloat(object, key);
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === "}") return object;
      if (c !== ",") {
        this.pos--;
        this.fail("expected ',' or '}' in object");
      }
    }
  }
}

/** A `[name, doc]` pair of an event or event_page: its numbers need no marks (see parseDocumentJson). */
const EVENT_PAIR = /^\s*\[\s*"event/;

/**
 * Parses one document's JSON text. An event's numbers are not marked: its descriptor's dtypes say which are
 * floats, and leaving them to JSON.parse keeps the ingest hot path fast.
 */
export function parseDocumentJson(text: string): unknown {
  return parseJson(text, !EVENT_PAIR.test(text));
}
