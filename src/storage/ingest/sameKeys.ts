// Whether a record has exactly the given keys: decides if a single event or datum still fits the open page.

export function keysOf(record: Record<string, unknown> | undefined): string[] | null {
  return record === undefined ? null : Object.keys(record);
}

export function hasExactlyKeys(record: Record<string, unknown> | undefined, keys: string[] | null): boolean {
  if (record === undefined || keys === null) return record === undefined && keys === null;
  // Records from one source list their keys in one order: compare in order, and only when that fails
  // check membership key by key.
  let count = 0;
  let inOrder = true;
  for (const key in record) {
    if (count >= keys.length) return false;
    if (inOrder && key !== keys[count]) inOrder = false;
    count++;
  }
  if (count !== keys.length) return false;
  if (inOrder) return true;
  for (const key of keys) if (!Object.hasOwn(record, key)) return false;
  return true;
}
