// Whether a record has exactly the given keys: decides if a single event or datum still fits the open page,
// and whether its values can be read in enumeration order.

export type Keys = string[];

export function keysOf(record: Record<string, unknown>): Keys;
export function keysOf(record: Record<string, unknown> | undefined): Keys | null;
export function keysOf(record: Record<string, unknown> | undefined): Keys | null {
  return record === undefined ? null : Object.keys(record);
}

/**
 * How `record`'s keys compare with `keys`: the same keys enumerated in that order (records from one source
 * list their keys in one order, so this is checked first), the same keys in another order, or different.
 */
export function keyOrder(record: Record<string, unknown>, keys: Keys): "in-order" | "other-order" | "differ" {
  let count = 0;
  let inOrder = true;
  for (const key in record) {
    if (count >= keys.length) return "differ";
    if (inOrder && key !== keys[count]) inOrder = false;
    count++;
  }
  if (count !== keys.length) return "differ";
  if (inOrder) return "in-order";
  for (const key of keys) if (!Object.hasOwn(record, key)) return "differ";
  return "other-order";
}

export function hasExactlyKeys(record: Record<string, unknown> | undefined, keys: Keys | null): boolean {
  if (record === undefined || keys === null) return record === undefined && keys === null;
  return keyOrder(record, keys) !== "differ";
}
