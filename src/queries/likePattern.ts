// SQL LIKE patterns (`%` any run, `_` one character, backslash escapes the next character), read once into
// parts so memory evaluation (a RegExp) and SQLite (a case-sensitive GLOB) run exactly the same pattern.

export type LikePart = { kind: "any" } | { kind: "one" } | { kind: "text"; text: string };

/** Why `pattern` is not a LIKE pattern, or undefined when it is. */
export function likeProblem(pattern: string): string | undefined {
  let escaped = false;
  for (const char of pattern) escaped = !escaped && char === "\\";
  return escaped ? "a LIKE pattern cannot end with a lone backslash (write \\\\ for one)" : undefined;
}

/** The pattern as parts; characters are code points, as SQLite's GLOB reads UTF-8 characters. */
export function likeParts(pattern: string): LikePart[] {
  const parts: LikePart[] = [];
  let text = "";
  let escaped = false;
  const flush = () => {
    if (text) parts.push({ kind: "text", text });
    text = "";
  };
  for (const char of pattern) {
    if (escaped) {
      text += char;
      escaped = false;
    } else if (char === "\\") escaped = true;
    else if (char === "%" || char === "_") {
      flush();
      parts.push({ kind: char === "%" ? "any" : "one" });
    } else text += char;
  }
  flush();
  return parts;
}

const cache = new Map<string, RegExp>();

/** A RegExp matching the whole string exactly as the LIKE pattern does (case-sensitive). */
export function likeRegExp(pattern: string): RegExp {
  let regexp = cache.get(pattern);
  if (!regexp) {
    const source = likeParts(pattern)
      .map((part) =>
        part.kind === "any"
          ? "[^]*"
          : part.kind === "one"
            ? "[^]"
            : part.text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"),
      )
      .join("");
    regexp = new RegExp(`^${source}$`, "u");
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, regexp);
  }
  return regexp;
}

/** The same pattern for SQLite's GLOB (case-sensitive): `*`, `?` and `[` are made literal with brackets. */
export function likeGlob(pattern: string): string {
  return likeParts(pattern)
    .map((part) =>
      part.kind === "any" ? "*" : part.kind === "one" ? "?" : part.text.replace(/[*?[]/g, "[$&]"),
    )
    .join("");
}
