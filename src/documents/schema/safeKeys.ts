// The metadata key rule of start, stop and descriptor documents (`patternProperties: {"^([^./]+)$": ...}` with
// `additionalProperties: false`): keys must be non-empty and free of "." and "/" so MongoDB can store them.
import { childPath, reportUnsafeKey, type Sink } from "./findings.ts";
import { isObject, isSafeKey } from "./predicates.ts";

/** How far the rule reaches: stop checks its own keys only; start and descriptor recurse through `$defs/DataType`. */
export type KeyDepth = "top" | "deep";

/**
 * Checks the keys of `value` (at `path`) when it is an object. "deep" follows nested objects at every depth but
 * never enters arrays: patternProperties apply to objects only, so `[{"a.b": 1}]` is valid.
 */
export function checkSafeKeys(value: unknown, depth: KeyDepth, path: string, sink: Sink): boolean {
  if (!isObject(value)) return true;
  let ok = true;
  for (const key in value) {
    if (!isSafeKey(key)) {
      if (sink === null) return false;
      ok = reportUnsafeKey(sink, path, key);
      continue;
    }
    if (depth === "top") continue;
    const child = value[key];
    if (!isObject(child) || checkSafeKeys(child, "deep", childPath(sink, path, key), sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}
