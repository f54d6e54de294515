// Where two documents first differ, for conflict messages that say what changed (`data_keys.det.shape[0]`).

export interface Difference {
  /** Dotted path of the first differing field; empty when the values differ as a whole. */
  path: string;
  stored: unknown;
  incoming: unknown;
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The first difference between two JSON-like values (keys in stored order, then new keys), or undefined when
 * they are the same document: numbers by Object.is (NaN equals NaN, -0 differs from 0), prototypes ignored.
 */
export function firstDifference(stored: unknown, incoming: unknown, path = ""): Difference | undefined {
  if (Object.is(stored, incoming)) return undefined;
  if (Array.isArray(stored) && Array.isArray(incoming)) {
    const shared = Math.min(stored.length, incoming.length);
    for (let i = 0; i < shared; i++) {
      const found = firstDifference(stored[i], incoming[i], join(path, i));
      if (found) return found;
    }
    if (stored.length === incoming.length) return undefined;
    return { path: join(path, shared), stored: stored[shared], incoming: incoming[shared] };
  }
  if (isRecord(stored) && isRecord(incoming)) {
    for (const key in stored) {
      const found = firstDifference(stored[key], incoming[key], join(path, key));
      if (found) return found;
    }
    for (const key in incoming) {
      if (!Object.hasOwn(stored, key))
        return { path: join(path, key), stored: undefined, incoming: incoming[key] };
    }
    return undefined;
  }
  return { path, stored, incoming };
}

function shown(value: unknown): string {
  if (value === undefined) return "absent";
  const text = typeof value === "number" ? String(value) : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `data.det differs (stored 1, new 2)`. */
export function describeDifference(difference: Difference): string {
  const where = difference.path === "" ? "the document" : difference.path;
  return `${where} differs (stored ${shown(difference.stored)}, new ${shown(difference.incoming)})`;
}
