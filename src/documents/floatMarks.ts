// Which whole-valued numbers of a document are floats (1.0, 1e3 in the source): a JS number cannot say, and
// Python's json and msgpack readers tell int from float. The object or array holding such a number lists its
// key in a non-enumerable symbol property, which JSON.stringify, Object.keys and deepStrictEqual never see; a
// marked key whose value is an array marks every number in it (an event_page column of a float field).
// Readers mark (parseJson, readMsgpack), storage keeps the marks (exactMsgpack), writers print 1.0 / float64.

const FLOAT_KEYS = Symbol("floatKeys");

type Container = Record<string | symbol, unknown> | unknown[];

/** The keys of `container` whose numbers are floats, if any were marked. */
export function floatKeysOf(container: object): ReadonlySet<string> | undefined {
  return (container as Record<symbol, Set<string> | undefined>)[FLOAT_KEYS];
}

/** Marks the numbers at `key` of `container` (an object or array) as floats. */
export function markFloat(container: object, key: string | number): void {
  let keys = (container as Record<symbol, Set<string> | undefined>)[FLOAT_KEYS];
  if (keys === undefined) {
    if (!Object.isExtensible(container)) return; // a frozen document: written as JSON.parse would give it
    keys = new Set();
    Object.defineProperty(container, FLOAT_KEYS, { value: keys, enumerable: false, configurable: true });
  }
  keys.add(String(key));
}

/** Whether `value` at a marked key is written as a float even when whole. */
export function isMarkedFloat(container: object, key: string | number): boolean {
  return floatKeysOf(container)?.has(String(key)) === true;
}

/** The JSON text of a number marked as a float: `1.0` where JSON.stringify writes `1` (Python reads int). */
export function floatText(value: number): string {
  if (Object.is(value, -0)) return "-0.0"; // String(-0) is "0": the sign would be lost
  // Whole numbers below 1e21 print as bare digits; every other number already has a `.` or an exponent.
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
}

export type FloatPath = Array<string | number>;

/** Every mark under `value`, as paths from it (the container's path, then the marked key). */
export function floatPaths(value: unknown, path: FloatPath = [], found: FloatPath[] = []): FloatPath[] {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return found;
  const keys = floatKeysOf(value);
  if (keys !== undefined) for (const key of keys) found.push([...path, key]);
  const container = value as Container;
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const item = container.at(i);
      if (typeof item === "object" && item !== null) floatPaths(item, [...path, i], found);
    }
  } else {
    for (const key in container) {
      const item = container[key];
      if (typeof item === "object" && item !== null) floatPaths(item, [...path, key], found);
    }
  }
  return found;
}

/** Puts back the marks `floatPaths` listed (on a value decoded from storage). */
export function restoreFloatPaths(root: unknown, paths: readonly FloatPath[]): void {
  for (const path of paths) {
    let container = root as Record<string | number, unknown> | undefined;
    for (let i = 0; i < path.length - 1 && container !== undefined; i++)
      container = container[path[i]] as Record<string | number, unknown> | undefined;
    if (typeof container === "object" && container !== null) markFloat(container, path[path.length - 1]);
  }
}

/** Whether any container under `value` carries marks (writers take their fast path when none does). */
export function hasFloatMarks(value: unknown): boolean {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return false;
  if (floatKeysOf(value) !== undefined) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value.at(i);
      if (typeof item === "object" && item !== null && hasFloatMarks(item)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && hasFloatMarks(item)) return true;
  }
  return false;
}
