// The query language for people:
//   plan_name == "scan" and (scan_id >= 5 or "free text") and time >= "2020-01-01"
// Operators == != < <= > >=, `in [..]`, `not in [..]`, `contains`, `like`, `=~` (regex; `=~*` or /../i
// ignore case), `exists` / `missing`; a bare quoted string is full text; `*` is every run; `and` binds
// tighter than `or`, `not` tighter than both; parentheses group. Values are JSON literals. Keys are dotted
// (`sample.name`, `stop.exit_status`, `descriptors.data_keys.det.units`) or backticked for any other text.
// A bare `time` / `start.time` / `stop.time` compared with a string reads the string as a time in the given
// zone: `time >= ".."` and `time < ".."` become TimeRange, `>` and `<=` a comparison with epoch seconds.
// Functions: timeRange(since=, until=, timezone=), scanId(1, 2, duplicates=), scanIdRange(1, 10,
// duplicates=), partialUid("abcde").
import { ValidationError } from "../errors.ts";
import type { ComparisonOperator, Query, QueryValue } from "./Query.ts";
import { syntaxError, type Token, tokenize } from "./queryLexer.ts";
import type { Built } from "./queryValue.ts";
import { localTimeZone, parseTime, timeZoneProblem } from "./timeParsing.ts";
import { checkQuery } from "./validateQuery.ts";

export interface ParseOptions {
  /** Zone of time strings without an offset; default: the machine's zone. */
  timezone?: string;
}

/** Keys whose string comparisons are read as times (only when written bare, not backticked). */
export const TIME_KEYS = new Set(["time", "start.time", "stop.time"]);

const COMPARISONS: Record<string, ComparisonOperator> = { "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };
const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "in",
  "contains",
  "like",
  "exists",
  "missing",
  "true",
  "false",
  "null",
]);

/** Whether a word is reserved by the language (keys spelled like one are written in backticks). */
export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toLowerCase());
}

interface Argument {
  name?: string;
  value: QueryValue;
  token: Token;
}

class Parser {
  private position = 0;
  private readonly tokens: Token[];
  private readonly timezone: string;

  constructor(
    private readonly text: string,
    options: ParseOptions,
  ) {
    this.tokens = tokenize(text);
    this.timezone = options.timezone ?? localTimeZone();
    const problem = timeZoneProblem(this.timezone);
    if (problem) throw new ValidationError(`query time zone: ${problem}`);
  }

  private get current(): Token {
    return this.tokens[this.position];
  }

  private advance(): Token {
    return this.tokens[this.position++];
  }

  private error(token: Token, message: string): ValidationError {
    return syntaxError(this.text, token.offset, message);
  }

  private isWord(word: string, token = this.current): boolean {
    return token.kind === "word" && token.text.toLowerCase() === word;
  }

  private isPunct(char: string, token = this.current): boolean {
    return token.kind === "punct" && token.text === char;
  }

  private expectPunct(char: string, what: string): Token {
    if (!this.isPunct(char)) throw this.error(this.current, `expected ${what}`);
    return this.advance();
  }

  /** Validates a node built at `token`, moving any finding to that column. */
  private node(token: Token, query: Query): Query {
    try {
      return checkQuery(query);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw this.error(token, error.findings[0]?.message ?? error.message);
    }
  }

  parse(): Built {
    const query = this.or();
    if (this.current.kind !== "end") throw this.error(this.current, "expected `and`, `or` or the end");
    return query as Built;
  }

  private or(): Query {
    const start = this.current;
    const parts = [this.and()];
    while (this.isWord("or")) {
      this.advance();
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0] : this.node(start, { op: "or", queries: parts });
  }

  private and(): Query {
    const start = this.current;
    const parts = [this.unary()];
    while (this.isWord("and")) {
      this.advance();
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0] : this.node(start, { op: "and", queries: parts });
  }

  private unary(): Query {
    if (this.isWord("not")) {
      const token = this.advance();
      return this.node(token, { op: "not", query: this.unary() });
    }
    return this.primary();
  }

  private primary(): Query {
    const token = this.current;
    if (this.isPunct("(")) {
      this.advance();
      const inner = this.or();
      this.expectPunct(")", "`)`");
      return inner;
    }
    if (this.isPunct("*")) {
      this.advance();
      return this.node(token, { op: "all" });
    }
    if (token.kind === "string") {
      this.advance();
      return this.node(token, { op: "fullText", text: token.value as string });
    }
    if (token.kind === "word" && this.isPunct("(", this.tokens[this.position + 1])) return this.call();
    if (token.kind === "key" || (token.kind === "word" && !isKeyword(token.text))) return this.condition();
    throw this.error(
      token,
      token.kind === "end" ? "expected a condition" : `unexpected ${JSON.stringify(token.text)}`,
    );
  }

  private condition(): Query {
    const keyToken = this.advance();
    const key = keyToken.value as string;
    const bare = keyToken.kind === "word";
    const token = this.current;
    if (token.kind === "operator") {
      this.advance();
      if (token.text.startsWith("=~")) return this.regex(key, token.text === "=~*");
      const valueToken = this.current;
      const value = this.value();
      if (bare && TIME_KEYS.has(key) && typeof value === "string")
        return this.timeCondition(keyToken, key, token, valueToken, value);
      if (token.text === "==") return this.node(keyToken, { op: "eq", key, value });
      if (token.text === "!=") return this.node(keyToken, { op: "notEq", key, value });
      return this.node(keyToken, {
        op: "comparison",
        key,
        operator: COMPARISONS[token.text],
        value: value as number,
      });
    }
    if (this.isWord("in")) {
      this.advance();
      return this.node(keyToken, { op: "in", key, values: this.list() });
    }
    if (this.isWord("not")) {
      this.advance();
      if (!this.isWord("in")) throw this.error(this.current, "expected `in` after `not`");
      this.advance();
      return this.node(keyToken, { op: "notIn", key, values: this.list() });
    }
    if (this.isWord("contains")) {
      this.advance();
      return this.node(keyToken, { op: "contains", key, value: this.value() });
    }
    if (this.isWord("like")) {
      this.advance();
      const pattern = this.current;
      if (pattern.kind !== "string") throw this.error(pattern, "expected a quoted LIKE pattern");
      this.advance();
      return this.node(pattern, { op: "like", key, pattern: pattern.value as string });
    }
    if (this.isWord("exists") || this.isWord("missing")) {
      const exists = this.isWord("exists");
      this.advance();
      return this.node(keyToken, { op: "keyPresent", key, exists });
    }
    throw this.error(token, `expected an operator after ${keyToken.text}`);
  }

  private regex(key: string, ignoreCase: boolean): Query {
    const token = this.advance();
    if (token.kind === "string")
      return this.node(token, {
        op: "regex",
        key,
        pattern: token.value as string,
        caseSensitive: !ignoreCase,
      });
    if (token.kind === "regex") {
      const { pattern, flags } = token.value as { pattern: string; flags: string };
      if (/[^i]/.test(flags))
        throw this.error(token, `unsupported regex flags ${JSON.stringify(flags)} (only i)`);
      return this.node(token, {
        op: "regex",
        key,
        pattern,
        caseSensitive: !(ignoreCase || flags.includes("i")),
      });
    }
    throw this.error(token, "expected a regex: a quoted string or /pattern/");
  }

  private epoch(token: Token, value: string, timezone = this.timezone): number {
    try {
      return parseTime(value, timezone);
    } catch (error) {
      throw this.error(token, (error as Error).message);
    }
  }

  private timeCondition(
    keyToken: Token,
    key: string,
    operator: Token,
    valueToken: Token,
    value: string,
  ): Query {
    const epoch = this.epoch(valueToken, value);
    const isStart = key !== "stop.time";
    if (isStart && operator.text === ">=")
      return this.node(keyToken, { op: "timeRange", since: epoch, timezone: this.timezone });
    if (isStart && operator.text === "<")
      return this.node(keyToken, { op: "timeRange", until: epoch, timezone: this.timezone });
    if (operator.text in COMPARISONS)
      return this.node(keyToken, {
        op: "comparison",
        key,
        operator: COMPARISONS[operator.text],
        value: epoch,
      });
    throw this.error(operator, `compare ${key} with a time using >=, <, > or <= (or use timeRange(...))`);
  }

  private list(): QueryValue[] {
    if (!this.isPunct("[")) throw this.error(this.current, "expected a list [..]");
    return this.value() as QueryValue[];
  }

  private value(): QueryValue {
    const token = this.advance();
    if (token.kind === "string" || token.kind === "number") return token.value as QueryValue;
    if (token.kind === "word") {
      const word = token.text;
      if (word === "true") return true;
      if (word === "false") return false;
      if (word === "null") return null;
    }
    if (this.isPunct("[", token)) {
      const items: QueryValue[] = [];
      if (!this.isPunct("]")) {
        do items.push(this.value());
        while (this.isPunct(",") && this.advance());
      }
      this.expectPunct("]", "`,` or `]`");
      return items;
    }
    if (this.isPunct("{", token)) {
      const object: Record<string, QueryValue> = {};
      if (!this.isPunct("}")) {
        do {
          const name = this.advance();
          if (name.kind !== "string") throw this.error(name, "expected a quoted member name");
          this.expectPunct(":", "`:`");
          object[name.value as string] = this.value();
        } while (this.isPunct(",") && this.advance());
      }
      this.expectPunct("}", "`,` or `}`");
      return object;
    }
    throw this.error(
      token,
      token.kind === "end" ? "expected a value" : `expected a JSON value, not ${JSON.stringify(token.text)}`,
    );
  }

  private arguments(): Argument[] {
    this.expectPunct("(", "`(`");
    const args: Argument[] = [];
    if (!this.isPunct(")")) {
      do {
        const token = this.current;
        let name: string | undefined;
        if (token.kind === "word" && this.isPunct("=", this.tokens[this.position + 1])) {
          name = token.text;
          this.position += 2;
        }
        args.push({ name, value: this.value(), token });
      } while (this.isPunct(",") && this.advance());
    }
    this.expectPunct(")", "`,` or `)`");
    return args;
  }

  private call(): Query {
    const nameToken = this.advance();
    const name = nameToken.text;
    const args = this.arguments();
    const named = (allowed: string[]) => {
      const found: Record<string, Argument> = {};
      for (const arg of args) {
        if (arg.name === undefined) continue;
        if (!allowed.includes(arg.name))
          throw this.error(arg.token, `${name} has no argument ${arg.name} (it takes ${allowed.join(", ")})`);
        found[arg.name] = arg;
      }
      return found;
    };
    const positional = args.filter((arg) => arg.name === undefined);
    const duplicates = (found: Record<string, Argument>) => found.duplicates?.value ?? "latest";
    switch (name) {
      case "timeRange":
      case "time_range": {
        if (positional.length > 0)
          throw this.error(positional[0].token, `${name} takes only named arguments`);
        const found = named(["since", "until", "timezone"]);
        const timezone = found.timezone ? (found.timezone.value as string) : this.timezone;
        const problem = timeZoneProblem(timezone);
        if (problem) throw this.error(found.timezone.token, problem);
        const end = (which: "since" | "until") => {
          const arg = found[which];
          if (arg === undefined) return undefined;
          if (typeof arg.value !== "number" && typeof arg.value !== "string")
            throw this.error(arg.token, `${which} is a time: epoch seconds or a string`);
          return this.epoch(arg.token, arg.value as string, timezone);
        };
        return this.node(nameToken, { op: "timeRange", since: end("since"), until: end("until"), timezone });
      }
      case "scanId":
      case "scan_id": {
        const found = named(["duplicates"]);
        const scanIds = positional.map((arg) => arg.value as number);
        return this.node(nameToken, { op: "scanId", scanIds, duplicates: duplicates(found) as "latest" });
      }
      case "scanIdRange":
      case "scan_id_range": {
        const found = named(["duplicates"]);
        if (positional.length !== 2) throw this.error(nameToken, `${name} takes a start and an end scan_id`);
        return this.node(nameToken, {
          op: "scanIdRange",
          startId: positional[0].value as number,
          endId: positional[1].value as number,
          duplicates: duplicates(found) as "latest",
        });
      }
      case "partialUid":
      case "partial_uid":
        named([]);
        return this.node(nameToken, {
          op: "partialUid",
          prefixes: positional.map((arg) => arg.value as string),
        });
      default:
        throw this.error(nameToken, `unknown function ${name} (timeRange, scanId, scanIdRange, partialUid)`);
    }
  }
}

/** Parses the query language; ValidationError with the column and a caret line for any mistake. */
export function parseQuery(text: string, options: ParseOptions = {}): Built {
  if (text.trim() === "") return checkQuery({ op: "all" });
  return new Parser(text, options).parse();
}
