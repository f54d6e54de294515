// The `depth` rule: a document other than an event nests at most MAX_DOCUMENT_DEPTH objects and arrays deep.
// SQLite's JSON functions refuse JSON nested deeper than 1,000 levels (a stored start that deep broke every
// search), PostgreSQL's jsonb stops near there too; real metadata nests a few levels. Event data is stored as
// columns, not JSON, and is not walked (the hot path).

export const DEPTH_RULE = "depth";
export const MAX_DOCUMENT_DEPTH = 100;

/** The path of the first value nested deeper than `limit` levels in `value`, or undefined. */
export function tooDeepPath(
  value: unknown,
  limit = MAX_DOCUMENT_DEPTH,
  path = "",
  depth = 0,
): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= limit) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = tooDeepPath(value.at(i), limit, childPath(path, String(i)), depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const found = tooDeepPath(
      (value as Record<string, unknown>)[key],
      limit,
      childPath(path, key),
      depth + 1,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

function childPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}
