// JSON text to values: the native JSON.parse, and — only when that fails — a small parser that also accepts
// the NaN, Infinity and -Infinity tokens Python's json module writes, and reports where the text is bad.

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

/** Parses JSON text, accepting NaN / Infinity / -Infinity as numbers; throws JsonSyntaxError. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new TolerantJsonParser(text).parseDocument();
  }
}

class TolerantJsonParser {
  private pos = 0;
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
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === "{") return this.parseObject();
    if (c === "[") return this.parseArray();
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
    this.pos += match[0].length;
    return Number(match[0]);
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
