// The query language for people (README: Query language): `plan_name == "scan" and (scan_id >= 5 or "text")`.
// The grammar is here: `and` binds tighter than `or`, `not` tighter than both, parentheses group, values are
// JSON literals, keys dotted or backticked; a bare `time` compared with a string is a time in the given zone.
// The operators after a key and the functions are read by the kinds that contribute them (queryWords.ts).
import { ValidationError } from "../errors.ts";
import { type StatKey, statKeyOf } from "./dataKey.ts";
import { allQuery } from "./kinds/all.ts";
import { andQuery } from "./kinds/and.ts";
import { COMPARISON_OPERATORS, comparisonQuery } from "./kinds/comparison.ts";
import { dataShapeQuery } from "./kinds/dataShape.ts";
import { DATA_STAT_OPERATORS, dataStatQuery } from "./kinds/dataStat.ts";
import { fullTextQuery } from "./kinds/fullText.ts";
import { fuzzyQuery } from "./kinds/fuzzy.ts";
import { hasDataQuery } from "./kinds/hasData.ts";
import { notQuery } from "./kinds/not.ts";
import { orQuery } from "./kinds/or.ts";
import type { CallArgument, FunctionCall, KeyCondition } from "./kinds/QueryKind.ts";
import { timeRangeQuery } from "./kinds/timeRange.ts";
import type { Query, QueryValue } from "./Query.ts";
import { syntaxError, type Token, tokenize } from "./queryLexer.ts";
import type { Built } from "./queryValue.ts";
import { isKeyword, languageVocabulary, TIME_KEYS } from "./queryWords.ts";
import { localTimeZone, parseTime, timeZoneProblem } from "./timeParsing.ts";
import { checkQuery } from "./validateQuery.ts";

export interface ParseOptions {
  /** Zone of time strings without an offset; default: the machine's zone. */
  timezone?: string;
}

/** The operators that, between a bare time key and a string, read the string as a time. */
const TIME_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);

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
    return parts.length === 1 ? parts[0] : this.node(start, orQuery(parts));
  }

  private and(): Query {
    const start = this.current;
    const parts = [this.unary()];
    while (this.isWord("and")) {
      this.advance();
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0] : this.node(start, andQuery(parts));
  }

  private unary(): Query {
    if (this.isWord("not")) {
      const token = this.advance();
      return this.node(token, notQuery(this.unary()));
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
      return this.node(token, allQuery());
    }
    if (token.kind === "string") {
      this.advance();
      return this.node(token, fullTextQuery(token.value as string));
    }
    // `~"text"`: the fuzzy form of a bare string.
    if (this.isPunct("~")) {
      this.advance();
      const text = this.advance();
      if (text.kind !== "string") throw this.error(text, "expected a quoted text after `~`");
      return this.node(token, fuzzyQuery(text.value as string));
    }
    if (token.kind === "word" && this.isPunct("(", this.tokens[this.position + 1])) return this.call();
    const next = this.tokens[this.position + 1];
    if (this.isWord("has") && next.kind === "word" && !isKeyword(next.text)) return this.has();
    if (token.kind === "key" || (token.kind === "word" && !isKeyword(token.text))) return this.condition();
    throw this.error(
      token,
      token.kind === "end" ? "expected a condition" : `unexpected ${JSON.stringify(token.text)}`,
    );
  }

  /** `has primary` or `has primary.img`: the run has the stream, or the stream declares the field. */
  private has(): Query {
    this.advance();
    const keyToken = this.advance();
    const [stream, field, ...rest] = (keyToken.value as string).split(".");
    if (rest.length > 0) throw this.error(keyToken, "`has` takes a stream or <stream>.<field>");
    return this.node(keyToken, hasDataQuery(stream, field));
  }

  /** A statistic compared with a number (`primary.theta.min >= 0`), or a shape with a list. */
  private statCondition(keyToken: Token, stat: StatKey): Query {
    const token = this.advance();
    if (stat.stat === "shape") {
      if (token.text !== "==")
        throw this.error(token, "a shape is compared with `==` and a list: shape == [512, 512]");
      const shape = this.list() as number[];
      return this.node(keyToken, dataShapeQuery(stat.stream, stat.field!, shape));
    }
    const operator = token.kind === "operator" ? DATA_STAT_OPERATORS[token.text] : undefined;
    if (!operator)
      throw this.error(
        token,
        `${keyToken.text} is a statistic of the data: compare it with <, <=, >, >= or ==`,
      );
    const valueToken = this.current;
    const value = this.value();
    if (typeof value !== "number") throw this.error(valueToken, `${keyToken.text} is compared with a number`);
    return this.node(keyToken, dataStatQuery(stat.stream, stat.field, stat.stat, operator, value));
  }

  private condition(): Query {
    const keyToken = this.advance();
    const key = keyToken.value as string;
    const stat = keyToken.kind === "word" ? statKeyOf(key) : undefined;
    if (stat) return this.statCondition(keyToken, stat);
    const token = this.current;
    const operator = token.kind === "word" ? token.text.toLowerCase() : token.text;
    const kind =
      token.kind === "operator" || token.kind === "word"
        ? languageVocabulary().operators.get(operator)
        : undefined;
    const read = kind?.language?.operators?.read;
    if (!read) throw this.error(token, `expected an operator after ${keyToken.text}`);
    this.advance();
    const valueToken = this.current;
    if (
      keyToken.kind === "word" &&
      TIME_KEYS.has(key) &&
      valueToken.kind === "string" &&
      TIME_OPERATORS.has(operator)
    )
      return this.timeCondition(keyToken, key, token, valueToken, this.value() as string);
    let at = keyToken;
    const condition: KeyCondition = {
      key,
      operator,
      value: () => this.value(),
      list: () => this.list(),
      next: () => this.advance(),
      expectWord: (word) => {
        if (!this.isWord(word)) throw this.error(this.current, `expected \`${word}\` after \`${operator}\``);
        this.advance();
      },
      at: (place) => {
        at = place;
      },
      error: (place, message) => this.error(place, message),
    };
    const query = read(condition);
    return this.node(at, query as Query);
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
      return this.node(keyToken, timeRangeQuery(epoch, undefined, this.timezone));
    if (isStart && operator.text === "<")
      return this.node(keyToken, timeRangeQuery(undefined, epoch, this.timezone));
    if (operator.text in COMPARISON_OPERATORS)
      return this.node(keyToken, comparisonQuery(key, COMPARISON_OPERATORS[operator.text], epoch));
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

  private arguments(): CallArgument[] {
    this.expectPunct("(", "`(`");
    const args: CallArgument[] = [];
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
    const { functions } = languageVocabulary();
    const read = functions.get(name)?.language?.functions?.read;
    if (!read) {
      const known = [...new Set([...functions.values()].map((kind) => kind.language?.functions?.names[0]))];
      throw this.error(nameToken, `unknown function ${name} (${known.join(", ")})`);
    }
    const call: FunctionCall = {
      name,
      nameToken,
      positional: args.filter((arg) => arg.name === undefined),
      timezone: this.timezone,
      named: (allowed) => {
        const found: Record<string, CallArgument> = {};
        for (const arg of args) {
          if (arg.name === undefined) continue;
          if (!allowed.includes(arg.name))
            throw this.error(
              arg.token,
              `${name} has no argument ${arg.name} (it takes ${allowed.join(", ")})`,
            );
          found[arg.name] = arg;
        }
        return found;
      },
      epoch: (token, value, timezone) => this.epoch(token, value as string, timezone),
      error: (token, message) => this.error(token, message),
    };
    return this.node(nameToken, read(call) as Query);
  }
}

/** Parses the query language; ValidationError with the column and a caret line for any mistake. */
export function parseQuery(text: string, options: ParseOptions = {}): Built {
  if (text.trim() === "") return checkQuery(allQuery());
  return new Parser(text, options).parse();
}
