// Tokens of the query language for people (see parseQuery.ts): keys, JSON literals, operators, regex
// literals. Every token keeps its offset so errors can point at the column.
import { QuerySyntaxError } from "../errors.ts";

export type TokenKind =
  | "word" // a bare key or a keyword (and, or, not, in, ...)
  | "key" // a `backticked` key, always a key, never a keyword
  | "string"
  | "number"
  | "regex"
  | "operator" // == != < <= > >= =~ =~*
  | "punct" // ( ) [ ] { } , : = * ~
  | "end";

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** The decoded value: the string, the number, the key, or the regex `{pattern, flags}`. */
  value?: unknown;
  offset: number;
}

/** A bare key: identifier-like segments joined by dots (later segments may start with a digit). */
export const BARE_KEY = /^[A-Za-z_$][\w$-]*(?:\.[\w$][\w$-]*)*$/;
const BARE_KEY_AT = /[A-Za-z_$][\w$-]*(?:\.[\w$][\w$-]*)*/y;
const NUMBER_AT = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_AT = /"(?:[^"\\\n]|\\.)*"/y;
const OPERATORS = ["=~*", "==", "!=", "<=", ">=", "=~", "<", ">"];
const PUNCTUATION = "()[]{},:=*~";

/** An error pointing at `offset` of `text`: the message, the line, and a caret under the column. */
export function syntaxError(text: string, offset: number, message: string): QuerySyntaxError {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = text.indexOf("\n", offset);
  const lineText = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  const column = offset - lineStart + 1;
  const where = line > 1 || text.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
  return new QuerySyntaxError(`${message} at ${where}\n  ${lineText}\n  ${" ".repeat(column - 1)}^`, [
    { name: "query", path: where, rule: "syntax", message },
  ]);
}

function readRegex(text: string, start: number): Token {
  let i = start + 1;
  let inClass = false;
  for (; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    else if (char === "/" && !inClass) break;
    else if (char === "\n") break;
  }
  if (text[i] !== "/") throw syntaxError(text, start, "unterminated regex literal");
  const flags = /^[a-z]*/.exec(text.slice(i + 1))![0];
  const end = i + 1 + flags.length;
  return {
    kind: "regex",
    text: text.slice(start, end),
    value: { pattern: text.slice(start + 1, i), flags },
    offset: start,
  };
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (pattern: RegExp) => {
    pattern.lastIndex = i;
    return pattern.exec(text)?.[0];
  };
  while (true) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const char = text[i];
    const previous = tokens[tokens.length - 1];
    let token: Token | undefined;
    if (char === '"') {
      const lexeme = at(STRING_AT);
      if (lexeme === undefined) throw syntaxError(text, i, "unterminated string");
      let value: string;
      try {
        value = JSON.parse(lexeme);
      } catch {
        throw syntaxError(text, i, "invalid string (JSON escapes only, no control characters)");
      }
      token = { kind: "string", text: lexeme, value, offset: i };
    } else if (char === "`") {
      let end = i + 1;
      let key = "";
      for (; end < text.length; end++) {
        if (text[end] !== "`") key += text[end];
        else if (text[end + 1] === "`") {
          key += "`";
          end++;
        } else break;
      }
      if (end >= text.length) throw syntaxError(text, i, "unterminated `key`");
      token = { kind: "key", text: text.slice(i, end + 1), value: key, offset: i };
    } else if (char === "/" && previous?.kind === "operator" && previous.text.startsWith("=~")) {
      token = readRegex(text, i);
    } else if (char === "-" || (char >= "0" && char <= "9")) {
      const lexeme = at(NUMBER_AT);
      if (lexeme === undefined) throw syntaxError(text, i, "invalid number");
      token = { kind: "number", text: lexeme, value: Number(lexeme), offset: i };
    } else if (/[A-Za-z_$]/.test(char)) {
      const lexeme = at(BARE_KEY_AT)!;
      token = { kind: "word", text: lexeme, value: lexeme, offset: i };
    } else {
      const operator = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (operator) token = { kind: "operator", text: operator, offset: i };
      else if (PUNCTUATION.includes(char)) token = { kind: "punct", text: char, offset: i };
      else throw syntaxError(text, i, `unexpected character ${JSON.stringify(char)}`);
    }
    tokens.push(token);
    i = token.offset + token.text.length;
  }
  tokens.push({ kind: "end", text: "", offset: text.length });
  return tokens;
}
