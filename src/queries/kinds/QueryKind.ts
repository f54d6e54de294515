// What a query kind declares: its op, how its JSON form is checked and made canonical, how it prints in the
// query language and what of the language reads it, and its Tiled filter form when Tiled has one. Backends
// translate kinds in their own TranslationTable; this contract holds what every backend shares.
import type { Finding, ValidationError } from "../../errors.ts";
import type { FieldSpecs } from "../fieldChecks.ts";
import type { Query, QueryKey, QueryValue } from "../Query.ts";
import type { Token } from "../queryLexer.ts";
import type { FilterReader, TiledFields } from "../tiledFilter.ts";

/** Where a query is printed: at the top, as a part of and / or, or under not (decides parentheses). */
export type FormatPlace = "top" | "and" | "or" | "not";

/** The printer's helpers, so kinds print keys, values and times as the parser reads them back. */
export interface QueryText {
  readonly place: FormatPlace;
  key(key: QueryKey): string;
  /** The key of a comparison with `value` (backticked where a bare key would read a string as a time). */
  comparedKey(key: QueryKey, value: QueryValue): string;
  value(value: QueryValue): string;
  timeEnd(epoch: number, timezone: string): string;
  part(query: Query, place: FormatPlace): string;
}

/** A condition of the language after its key: `key <operator> ...`, with the parser's readers. */
export interface KeyCondition {
  readonly key: QueryKey;
  /** The operator as written: a symbol (`==`, `=~`) or a lower-cased word (`in`, `contains`). */
  readonly operator: string;
  value(): QueryValue;
  list(): QueryValue[];
  /** The next token, consumed. */
  next(): Token;
  /** Consumes `word` or fails. */
  expectWord(word: string): void;
  /** Errors of the query built point at `token` (default: the key). */
  at(token: Token): void;
  error(token: Token, message: string): ValidationError;
}

export interface CallArgument {
  name?: string;
  value: QueryValue;
  token: Token;
}

/** A function of the language: `name(positional, named=value)`. */
export interface FunctionCall {
  readonly name: string;
  readonly nameToken: Token;
  readonly positional: CallArgument[];
  /** The parse's zone for times without an offset. */
  readonly timezone: string;
  /** The named arguments; any other name is an error. */
  named(allowed: string[]): Record<string, CallArgument>;
  epoch(token: Token, value: string | number, timezone?: string): number;
  error(token: Token, message: string): ValidationError;
}

export interface LanguageForm<Q> {
  /** Operators after a key that read this kind. */
  operators?: { names: readonly string[]; read(condition: KeyCondition): Q };
  /** Function names that read this kind. */
  functions?: { names: readonly string[]; read(call: FunctionCall): Q };
}

export interface TiledForm<Q> {
  /** The filter name it is sent as; `aliases` are also read. */
  name: string;
  aliases?: readonly string[];
  /** Our field names as Tiled's, where they differ (findings name the parameter). */
  fieldNames?: Record<string, string>;
  encode(query: Q): TiledFields;
  decode(reader: FilterReader): Q;
  /** Several of this kind in one conjunction as one filter (Tiled pairs fields by position). */
  merge?(parts: Q[]): Q;
}

export interface QueryKind<Q extends { op: string } = { op: string }> {
  readonly op: Q["op"];
  /** The fields besides `op`, each with its check. */
  readonly fields: FieldSpecs;
  /** Rules across fields, after each field passed its own check. */
  crossCheck?(query: Q, path: string, findings: Finding[]): void;
  /** The query with defaults written in and nested queries made canonical by `nested`. */
  canonical?(query: Q, nested: <N extends Query>(query: N) => N): Q;
  format(query: Q, text: QueryText): string;
  language?: LanguageForm<Q>;
  tiled?: TiledForm<Q>;
}
