// JSON text that keeps every number exactly. JSON.stringify writes NaN and ±Infinity as null and -0 as 0;
// here they are written as Python's json module writes them — NaN, Infinity, -Infinity and -0.0 — which
// Python and this package's readers read back exactly (strict JSON parsers such as JSON.parse reject the
// non-finite tokens: losing the value silently was judged worse). BigInts are written as their digits.

/** Compact JSON text of `value`, exact for every number (see the module comment). */
export function stringifyJson(value: unknown): string {
  // The native serializer is several times faster; a walk tells whether it would lose anything.
  return (needsExactText(value) ? exactJson(value) : JSON.stringify(value)) ?? "null";
}

function needsExactText(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value) || (value === 0 && 1 / value < 0);
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  if (ArrayBuffer.isView(value)) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsExactText(value[i])) return true;
    return false;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) if (needsExactText(object[key])) return true;
  return false;
}

function exactNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0 && 1 / value < 0) return "-0.0";
  return String(value);
}

/** Like JSON.stringify (same layout, same skipping of undefined and functions), exact for numbers. */
function exactJson(value: unknown, key = ""): string | undefined {
  switch (typeof value) {
    case "number":
      return exactNumber(value);
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
  if (typeof toJSON === "function") return exactJson(toJSON.call(value, key), key);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return exactJson(Array.from(value as unknown as ArrayLike<unknown>), key);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => exactJson(item, String(i)) ?? "null");
    return `[${items.join(",")}]`;
  }
  const members: string[] = [];
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    const text = exactJson(member, name);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(",")}}`;
}
