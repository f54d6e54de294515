// Regular expressions of Regex queries: ECMAScript syntax in unicode mode, limited to what Python's `re`,
// PostgreSQL and RE2 also read, so a saved query means one thing on every server. Matching is a search (not a
// full match) in linear time: memory evaluation and SQLite's `regexp` function both run it through `regexpOf`.
import { re2Compiled, type TextMatcher } from "./re2Pattern.ts";

/** Constructs JavaScript reads but Python or PostgreSQL do not, with the reason shown to users. */
const NOT_PORTABLE: Array<[RegExp, string]> = [
  [/^\(\?[=!]/, "lookahead (?= and (?! is not supported (searches run in linear time, without lookaround)"],
  [/^\(\?<[=!]/, "lookbehind (?<= and (?<! is not portable"],
  [/^\(\?</, "named groups (?<name>...) are not portable"],
  [/^\\k</, "named backreferences \\k<name> are not portable"],
  [/^\\[1-9]/, "backreferences \\1..\\9 are not portable"],
  [/^\\[pP]\{/, "unicode property escapes \\p{...} are not portable"],
  [/^\\u\{/, "code point escapes \\u{...} are not portable (use \\uXXXX)"],
  [/^\\c/, "control escapes \\cX are not portable"],
];

/** Why `pattern` is not an accepted regular expression, or undefined when it is. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return (error as Error).message;
  }
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const rest = pattern.slice(i);
    if (!inClass) {
      for (const [construct, reason] of NOT_PORTABLE) if (construct.test(rest)) return reason;
      if (rest.startsWith("[^]") || rest.startsWith("[]")) return "the classes [] and [^] are not portable";
    }
    const char = pattern[i];
    if (char === "\\") {
      if (inClass && /^\\[pP]\{/.test(rest)) return "unicode property escapes \\p{...} are not portable";
      i++;
    } else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
  }
  try {
    regexpOf(pattern, true);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

const cache = new Map<string, TextMatcher>();

/** The compiled expression (cached), case-insensitive unless `caseSensitive`; RE2's reason when it cannot. */
export function regexpOf(pattern: string, caseSensitive: boolean): TextMatcher {
  const cacheKey = `${caseSensitive ? "s" : "i"}${pattern}`;
  let regexp = cache.get(cacheKey);
  if (!regexp) {
    regexp = re2Compiled(pattern, caseSensitive);
    if (cache.size > 1000) cache.clear();
    cache.set(cacheKey, regexp);
  }
  return regexp;
}
