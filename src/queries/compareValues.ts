// One ordering of JSON values for every adapter, the one SQLite applies to json_extract results: absent and
// null first, then numbers (booleans count as 1 and 0), then text (arrays and objects as their JSON text),
// text compared by code point (UTF-8 byte order).

function rank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" || typeof value === "boolean") return 1;
  return 2;
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Compares strings by code point, as UTF-8 bytes compare (JS `<` compares UTF-16 units instead). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: they sort after every other unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return Number(a) - Number(b);
  return compareCodePoints(asText(a), asText(b));
}
