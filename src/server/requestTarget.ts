// Request targets in their one canonical spelling only. The router decodes and matches paths its own way;
// refusing every second spelling of a path (absolute form, `//`, dot segments, percent-encoded characters
// that have a plain form) means no check, today's or a future one, can be fooled by one.

/** A percent-encoded unreserved character (RFC 3986 §2.3: ALPHA, DIGIT, `-`, `.`, `_`, `~`). */
const ENCODED_UNRESERVED = /%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[de]|5f|7e)/i;
/** An encoded `/` or `\`: a segment separator in disguise. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i;

/** Why `target` (the request line's target, query included) is not canonical; undefined when it is. */
export function nonCanonicalTarget(target: string): string | undefined {
  if (!target.startsWith("/")) return "the request target must be a path starting with '/' (origin form)";
  const path = target.split("?", 1)[0];
  if (path.includes("\\") || ENCODED_SEPARATOR.test(path)) return "the path holds an encoded '/' or a '\\'";
  if (ENCODED_UNRESERVED.test(path)) return "the path percent-encodes a character that has a plain form";
  const segments = path.split("/");
  // segments[0] is the empty text before the leading '/'; only the last one may be empty (a trailing '/').
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === "" && i < segments.length - 1) return "the path holds an empty segment ('//')";
    if (segment === "." || segment === "..") return "the path holds a dot segment ('.' or '..')";
  }
  return undefined;
}
