// SQL LIKE patterns (`%` any run, `_` one character, backslash escapes the next character), read once into
// parts so memory evaluation (RE2) and SQLite (a case-sensitive GLOB) run exactly the same pattern.
import { RE2JS } from "re2js";
import type { TextMatcher } from "./re2Pattern.ts";

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

const cache = new Map<string, TextMatcher>();

/**
 * A matcher of the whole string exactly as the LIKE pattern does (case-sensitive). RE2, not RegExp: a
 * backtracking engine takes polynomial time in the length of the text for each `%` (`%a%a%a%a%b`).
 */
export function likeMatcher(pattern: string): TextMatcher {
  let matcher = cache.get(pattern);
  if (!matcher) {
    const source = likeParts(pattern)
      .map((part) =>
        part.kind === "any"
          ? ".*"
          : part.kind === "one"
            ? "."
            : part.text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"),
      )
      .join("");
    matcher = RE2JS.compile(`^${source}$`, RE2JS.DOTALL);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

/** The same pattern for SQLite's GLOB (case-sensitive): `*`, `?` and `[` are made literal with brackets. */
export function likeGlob(pattern: string): string {
  return likeParts(pattern)
    .map((part) =>
      part.kind === "any" ? "*" : part.kind === "one" ? "?" : part.text.replace(/[*?[]/g, "[$&]"),
    )
    .join("");
}
