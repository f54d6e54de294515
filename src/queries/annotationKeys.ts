// Which queries and keys reach annotations: stores read annotations (and whose) only for those, and `tags`
// facets count each tag, not each list of tags.
import { parseQueryKey } from "./keyPath.ts";
import type { QueryKey } from "./Query.ts";

/** Whether `key` reaches annotations (`annotations.…` or `tags`). */
function isAnnotationKey(key: QueryKey): boolean {
  return parseQueryKey(key).document === "annotations";
}

/** Whether distinct values of `key` are counted per element: the tags of annotations, one facet per tag. */
export function isTagsKey(key: QueryKey): boolean {
  const { document, segments } = parseQueryKey(key);
  return document === "annotations" && segments.length === 1 && segments[0] === "tags";
}

/** Whether any part of `query` (a Query of any kind, nested or not) has a key that reaches annotations. */
export function readsAnnotations(query: unknown): boolean {
  if (Array.isArray(query)) return query.some(readsAnnotations);
  if (typeof query !== "object" || query === null) return false;
  for (const [name, value] of Object.entries(query)) {
    if (name === "key" && typeof value === "string" && isAnnotationKey(value)) return true;
    if (typeof value === "object" && readsAnnotations(value)) return true;
  }
  return false;
}
