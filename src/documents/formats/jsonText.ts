// JSON text that keeps every number exactly. JSON.stringify writes NaN and ±Infinity as null and -0 as 0;
// here they are written as Python's json module writes them — NaN, Infinity, -Infinity and -0.0 — which
// Python and this package's readers read back exactly (strict JSON parsers such as JSON.parse reject the
// non-finite tokens: losing the value silently was judged worse). BigInts are written as their digits.
// Whole numbers marked as floats (floatMarks.ts) are written 1.0, so that Python reads a float.
import { floatKeysOf, floatText } from "../floatMarks.ts";

/** Compact JSON text of `value`, exact for every number (see the module comment). */
export function stringifyJson(value: unknown): string {
  // The native serializer is several times faster; a walk tells whether it would lose anything.
  return (needsExactText(value, true) ? exactJson(value, EXACT) : JSON.stringify(value)) ?? "null";
}

/**
 * Standard JSON text (NaN and ±Infinity as null, -0 as 0, as JSON.stringify writes them; `replace` turning
 * values JSON cannot hold into ones it can), with marked whole floats still written 1.0 — and every number
 * written as a float when `allFloats` (the cells of a float64 array).
 */
export function stringifyStandardJson(
  value: unknown,
  replace: (value: unknown) => unknown,
  allFloats = false,
): string {
  if (!allFloats && !needsExactText(value, false))
    return JSON.stringify(value, (_key, member) => replace(member)) ?? "null";
  return exactJson(value, { standard: true, replace }, "", allFloats) ?? "null";
}

interface JsonStyle {
  /** Numbers JSON cannot hold as null, as JSON.stringify writes them. */
  standard: boolean;
  replace?: (value: unknown) => unknown;
}

const EXACT: JsonStyle = { standard: false };

function needsExactText(value: unknown, exactNumbers: boolean): boolean {
  if (typeof value === "number")
    return exactNumbers && (!Number.isFinite(value) || (value === 0 && 1 / value < 0));
  if (typeof value === "bigint") return exactNumbers;
  if (typeof value !== "object" || value === null) return false;
  if (ArrayBuffer.isView(value)) return exactNumbers;
  if (floatKeysOf(value) !== undefined) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsExactText(value[i], exactNumbers)) return true;
    return false;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) if (needsExactText(object[key], exactNumbers)) return true;
  return false;
}

function exactNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0 && 1 / value < 0) return "-0.0";
  return String(value);
}

function numberText(value: number, float: boolean, style: JsonStyle): string {
  if (style.standard && !Number.isFinite(value)) return "null";
  if (value === 0 && 1 / value < 0) return style.standard ? (float ? "0.0" : "0") : "-0.0";
  return float ? floatText(value) : exactNumber(value);
}

/** An array of numbers only, each written as a float; undefined when it holds anything else. */
function floatArrayText(values: readonly unknown[], style: JsonStyle): string | undefined {
  let whole = 0;
  let plain = true;
  for (const value of values) {
    if (typeof value !== "number") return undefined;
    if (!Number.isFinite(value) || Object.is(value, -0)) plain = false;
    else if (Number.isInteger(value)) whole++;
  }
  if (!plain) return `[${values.map((value) => numberText(value as number, true, style)).join(",")}]`;
  // The native serializer writes each finite number as String() does, several times faster than a loop;
  // only the whole ones then need their `.0`.
  const text = JSON.stringify(values);
  if (whole === 0) return text;
  const items = text.slice(1, -1).split(",");
  for (let i = 0; i < items.length; i++)
    if (Number.isInteger(values[i])) items[i] = floatText(values[i] as number);
  return `[${items.join(",")}]`;
}

/**
 * Like JSON.stringify (same layout, same skipping of undefined and functions), exact for numbers; `float`:
 * the value sits at a marked key, so its numbers (an array's too) are floats.
 */
function exactJson(value: unknown, style: JsonStyle, key = "", float = false): string | undefined {
  if (style.replace) value = style.replace(value);
  switch (typeof value) {
    case "number":
      return numberText(value, float, style);
    case "bigint":
      return value.toString();
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const toJSON = (value as { toJSON?: (key: string) => unknown }).toJSON;
  if (typeof toJSON === "function") return exactJson(toJSON.call(value, key), style, key, float);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return exactJson(Array.from(value as unknown as ArrayLike<unknown>), style, key, float);
  }
  const floats = floatKeysOf(value as object);
  // Event pages' columns: long arrays of numbers or strings, written without a call per item.
  if (Array.isArray(value) && floats === undefined && !style.replace) {
    if (float) {
      const text = floatArrayText(value, style);
      if (text !== undefined) return text;
    } else if (!needsExactText(value, !style.standard)) return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items = value.map(
      (item, i) => exactJson(item, style, String(i), float || floats?.has(String(i))) ?? "null",
    );
    return `[${items.join(",")}]`;
  }
  const members: string[] = [];
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    const text = exactJson(member, style, name, floats?.has(name) === true);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(",")}}`;
}
