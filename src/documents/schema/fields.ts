// Field-level checks the document checks are built from: a typed field, an array of typed items, a map of
// typed values, and "no other keys". Each returns true when valid and reports into the sink otherwise.
import {
  childPath,
  itemPath,
  reportConst,
  reportEnum,
  reportMissing,
  reportPattern,
  reportType,
  reportUnexpected,
  type Sink,
} from "./findings.ts";
import { isObject } from "./predicates.ts";

/** A test of one value, e.g. `isString`; `expected` in the same call names it for messages ("a string"). */
export type Predicate = (value: unknown) => boolean;

/** A structured check of one value at `path` (a data key, a projection, a whole document). */
export type Check = (value: unknown, path: string, sink: Sink) => boolean;

/** Whether a field is listed in the schema's `required` (ajv: present means `!== undefined`). */
export type Presence = "required" | "optional";

/** Any value at all, as `items: {}` or an untyped property accepts. */
export function isAnyValue(_value: unknown): boolean {
  return true;
}

function reportAbsentOrWrong(sink: Sink, path: string, value: unknown, expected: string): false {
  return value === undefined ? reportMissing(sink, path) : reportType(sink, path, value, expected);
}

/** `parent[key]`, passed in as `value`, satisfies `test`; absent is fine when optional. */
export function checkField(
  value: unknown,
  presence: Presence,
  test: Predicate,
  expected: string,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (test(value) || (value === undefined && presence === "optional")) return true;
  return sink === null ? false : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, expected);
}

/** Every item of `array` (at `path`) satisfies `test`. */
export function checkItems(
  array: unknown[],
  test: Predicate,
  expected: string,
  path: string,
  sink: Sink,
): boolean {
  if (test === isAnyValue) return true; // `items: {}`: a long data column needs no walk
  let ok = true;
  for (let i = 0; i < array.length; i++) {
    // at(i), not array[i]: optimized indexed reads that met both double and other arrays box every double
    // array they read afterwards (one heap object per number, kept in the caller's document).
    const item = array.at(i);
    if (test(item)) continue;
    if (sink === null) return false;
    ok = reportType(sink, itemPath(sink, path, i), item, expected);
  }
  return ok;
}

/** `{type: "array", items: <test>}` at `parent[key]`. */
export function checkArrayField(
  value: unknown,
  presence: Presence,
  itemTest: Predicate,
  itemExpected: string,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (Array.isArray(value))
    return checkItems(value, itemTest, itemExpected, childPath(sink, parent, key), sink);
  if (value === undefined && presence === "optional") return true;
  return sink === null ? false : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, "an array");
}

/** Every value of the object `map` (at `path`) satisfies `test`: `additionalProperties: <test>`. */
export function checkValues(
  map: Record<string, unknown>,
  test: Predicate,
  expected: string,
  path: string,
  sink: Sink,
): boolean {
  let ok = true;
  for (const key in map) {
    const value = map[key];
    if (test(value)) continue;
    if (sink === null) return false;
    ok = reportType(sink, childPath(sink, path, key), value, expected);
  }
  return ok;
}

/** `{type: "object", additionalProperties: <test>}` at `parent[key]`; `isAnyValue` for a plain object. */
export function checkMapField(
  value: unknown,
  presence: Presence,
  valueTest: Predicate,
  valueExpected: string,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (isObject(value)) {
    if (valueTest === isAnyValue) return true;
    return checkValues(value, valueTest, valueExpected, childPath(sink, parent, key), sink);
  }
  if (value === undefined && presence === "optional") return true;
  return sink === null ? false : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, "an object");
}

/** `{type: "object", additionalProperties: {type: "array", items: <test>}}`: a page of columns. */
export function checkColumnsField(
  value: unknown,
  presence: Presence,
  itemTest: Predicate,
  itemExpected: string,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (!isObject(value)) {
    if (value === undefined && presence === "optional") return true;
    return sink === null
      ? false
      : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, "an object");
  }
  const path = childPath(sink, parent, key);
  let ok = true;
  for (const column in value) {
    if (checkArrayField(value[column], "required", itemTest, itemExpected, path, column, sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}

/** `additionalProperties: false` (or `unevaluatedProperties: false`): every key of `doc` is one `isKnown` accepts. */
export function checkKnownKeys(
  doc: Record<string, unknown>,
  isKnown: (key: string) => boolean,
  path: string,
  sink: Sink,
): boolean {
  let ok = true;
  for (const key in doc) {
    if (isKnown(key)) continue;
    if (sink === null) return false;
    ok = reportUnexpected(sink, path, key);
  }
  return ok;
}

/** `{type: "array", items: <check>}` at `parent[key]`, for items that are objects with their own schema. */
export function checkArrayOf(
  value: unknown,
  presence: Presence,
  check: Check,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (!Array.isArray(value)) {
    if (value === undefined && presence === "optional") return true;
    return sink === null ? false : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, "an array");
  }
  const path = childPath(sink, parent, key);
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    if (check(value[i], itemPath(sink, path, i), sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}

/** `{type: "object", additionalProperties: <check>}` at `parent[key]`, e.g. `data_keys`. */
export function checkMapOf(
  value: unknown,
  presence: Presence,
  check: Check,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (!isObject(value)) {
    if (value === undefined && presence === "optional") return true;
    return sink === null
      ? false
      : reportAbsentOrWrong(sink, childPath(sink, parent, key), value, "an object");
  }
  const path = childPath(sink, parent, key);
  let ok = true;
  for (const name in value) {
    if (check(value[name], childPath(sink, path, name), sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}

/** `{type: "string", enum: [...]}` at `parent[key]` (a non-string simply is not among the choices). */
export function checkEnumField(
  value: unknown,
  presence: Presence,
  allowed: readonly string[],
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (typeof value === "string" && allowed.includes(value)) return true;
  if (value === undefined)
    return presence === "optional" || reportMissing(sink, childPath(sink, parent, key));
  return reportEnum(sink, childPath(sink, parent, key), value, allowed);
}

/** `{type: "string", const: expected}` at `parent[key]`. */
export function checkConstField(
  value: unknown,
  presence: Presence,
  expected: string,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (value === expected) return true;
  if (value === undefined)
    return presence === "optional" || reportMissing(sink, childPath(sink, parent, key));
  return reportConst(sink, childPath(sink, parent, key), value, expected);
}

/** A string pattern the schema states, told in words for messages and tested by a character loop. */
export interface StringPattern {
  source: string;
  meaning: string;
  test: (text: string) => boolean;
}

/** `{type: "string", pattern}` for the value at `path`. */
export function checkPattern(value: unknown, pattern: StringPattern, path: string, sink: Sink): boolean {
  if (typeof value !== "string") return reportType(sink, path, value, "a string");
  return pattern.test(value) || reportPattern(sink, path, value, pattern.source, pattern.meaning);
}

/** `{type: "string", pattern}` at `parent[key]`. */
export function checkPatternField(
  value: unknown,
  presence: Presence,
  pattern: StringPattern,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (typeof value === "string" && pattern.test(value)) return true;
  if (value === undefined)
    return presence === "optional" || reportMissing(sink, childPath(sink, parent, key));
  return checkPattern(value, pattern, childPath(sink, parent, key), sink);
}

/** A field with a schema of its own (`$ref`): absent is fine when optional, else `check` judges it. */
export function checkNestedField(
  value: unknown,
  presence: Presence,
  check: Check,
  parent: string,
  key: string,
  sink: Sink,
): boolean {
  if (value === undefined)
    return presence === "optional" || reportMissing(sink, childPath(sink, parent, key));
  return check(value, childPath(sink, parent, key), sink);
}
