// A uid prefix as a range of the C-collated uid index: every string starting with `prefix` sorts at or after
// it and before the prefix with its last code point incremented (UTF-8 bytes sort as code points do).

const MAX_CODE_POINT = 0x10ffff;

function successor(codePoint: number): number | undefined {
  if (codePoint >= MAX_CODE_POINT) return undefined;
  // Surrogates are no characters: a string holding one could not be sent as UTF-8.
  return codePoint + 1 === 0xd800 ? 0xe000 : codePoint + 1;
}

/** `from <= uid < to` exactly when uid starts with `prefix`; no `to` when no string bounds it (all U+10FFFF). */
export function prefixRange(prefix: string): { from: string; to?: string } {
  const codePoints = [...prefix].map((char) => char.codePointAt(0)!);
  while (codePoints.length > 0) {
    const next = successor(codePoints.pop()!);
    if (next !== undefined) return { from: prefix, to: String.fromCodePoint(...codePoints, next) };
  }
  return { from: prefix };
}
