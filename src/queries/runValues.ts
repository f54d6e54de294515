// What a query reads of a run in memory: the values a key reaches in start, stop or the descriptors, and the
// JSON equality every adapter applies to them. Shared by the in-memory evaluator and the kinds' match rules.
import type { StreamStats } from "./fieldStats.ts";
import { parseKey, parseQueryKey, valueAtPath } from "./keyPath.ts";
import type { QueryKey, QueryValue } from "./Query.ts";

/**
 * The metadata a query sees: start, stop (null when the run has none) and the descriptors, as JSON (non-finite
 * numbers read as null, as JSON stores them).
 */
export interface RunMetadata {
  start: unknown;
  stop: unknown;
  descriptors?: readonly unknown[];
  /** The annotations the searcher may read, each as search sees it (annotations/Annotation.ts searchableOf). */
  annotations?: readonly unknown[];
  /** Each stream's statistics, for search into data (kinds/dataStat.ts). */
  streams?: Readonly<Record<string, StreamStats>>;
}

/** The value at a start or stop key (sorting reads this), or undefined when absent. */
export function valueAt(run: RunMetadata, key: QueryKey): unknown {
  const { document, segments } = parseKey(key);
  const root = document === "stop" ? run.stop : run.start;
  return root === null || root === undefined ? undefined : valueAtPath(root, segments);
}

/**
 * The values a key reaches: one for start and stop keys, one per descriptor for `descriptors.` keys, one per
 * readable annotation for `annotations.` keys.
 */
export function valuesAt(run: RunMetadata, key: QueryKey): unknown[] {
  const { document, segments } = parseQueryKey(key);
  if (document === "descriptors" || document === "annotations")
    return (run[document] ?? []).map((item) => valueAtPath(item, segments));
  const root = document === "stop" ? run.stop : run.start;
  return [root === null || root === undefined ? undefined : valueAtPath(root, segments)];
}

/** JSON equality as every adapter applies it: same type; arrays and objects equal as their JSON text. */
export function jsonEquals(stored: unknown, value: QueryValue): boolean {
  if (value === null) return stored === null;
  if (typeof value !== "object") return stored === value;
  if (typeof stored !== "object" || stored === null) return false;
  return JSON.stringify(stored) === JSON.stringify(value);
}

export function uidOf(run: RunMetadata): string {
  const uid = (run.start as { uid?: unknown } | null)?.uid;
  return typeof uid === "string" ? uid : "";
}

export function timeOf(run: RunMetadata): number | null {
  const time = (run.start as { time?: unknown } | null)?.time;
  return typeof time === "number" ? time : null;
}
