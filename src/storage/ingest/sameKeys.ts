// Whether a record has exactly the given keys: decides if a single event or datum still fits the open page.

export function keysOf(record: Record<string, unknown> | undefined): string[] | null {
  return record === undefined ? null : Object.keys(record);
}

export function hasExactlyKeys(record: Record<string, unknown> | undefined, keys: string[] | null): boolean {
  if (record === undefined || keys === null) return record === undefined && keys === null;
  let count = 0;
  for (const _key in record) {
    count++;
    if (count > keys.length) return false;
  }
  if (count !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(record, key)) return false;
  return true;
}
