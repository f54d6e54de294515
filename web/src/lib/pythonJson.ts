// JSON as Python's json module writes it: the live streams keep every number exact, so NaN, Infinity and
// -Infinity may appear as bare tokens, which JSON.parse rejects. They are swapped for marker strings outside
// string literals, parsed, and turned back into numbers.

const TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;
const MARK = "\u0000databroker:";
const VALUES: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

export function parsePythonJson(text: string): unknown {
  let marked = false;
  const standard = text.replace(TOKENS, (token) => {
    if (token.startsWith('"')) return token;
    marked = true;
    return `"\\u0000${MARK.slice(1)}${token}"`; // the control character escaped, as JSON requires
  });
  // The reviver (a call per value) only when a marker was written: most messages have none.
  if (!marked) return JSON.parse(text);
  return JSON.parse(standard, (_key, value) =>
    typeof value === "string" && value.startsWith(MARK) ? VALUES[value.slice(MARK.length)] : value,
  );
}
