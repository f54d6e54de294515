// A query key (`plan_name`, `sample.name`, `stop.exit_status`, `descriptors.data_keys.det.units`,
// `annotations.body`, `tags`) split into the document it reaches and the object keys along the way. Shared by
// in-memory evaluation and every adapter's compiler, so they agree.
import { UnsupportedError } from "../errors.ts";
import type { QueryKey } from "./Query.ts";

/**
 * `annotations` reaches each annotation of the run the searcher may read (annotations/Annotation.ts
 * `searchableOf`: its fields and values side by side); like `descriptors`, a query holds when it holds for any
 * one of them. A bare `tags` is short for `annotations.tags` (a start key named tags is `start.tags`).
 */
export type KeyDocument = "start" | "stop" | "descriptors" | "annotations";

export interface KeyPath {
  document: KeyDocument;
  /** Object keys from the document down; empty for the document itself. */
  segments: string[];
}

const DOCUMENTS: ReadonlySet<string> = new Set<KeyDocument>(["start", "stop", "descriptors", "annotations"]);

/** Why `key` is not a usable key, or undefined when it is. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string" || key === "") return "a key is a non-empty dotted path";
  const segments = key.split(".");
  if (segments.some((segment) => segment === "")) return "a key's segments must be non-empty";
  if (key.includes('"')) return "a key must not hold '\"'";
  // Control characters (a NUL above all) end or garble the JSON paths the SQL backends are given.
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return "a key must not hold control characters";
  }
  return undefined;
}

/** Splits a key of any document: start (the default), `stop.`, `descriptors.` or `annotations.` (`tags`). */
export function parseQueryKey(key: QueryKey): KeyPath {
  const problem = keyProblem(key);
  if (problem) throw new UnsupportedError(`query key ${JSON.stringify(key)}: ${problem}`);
  const segments = key.split(".");
  if (segments[0] === "tags") return { document: "annotations", segments };
  if (!DOCUMENTS.has(segments[0])) return { document: "start", segments };
  return { document: segments[0] as KeyDocument, segments: segments.slice(1) };
}

/** A key of the start or stop document (what sorting and run columns reach); others are refused. */
export function parseKey(key: QueryKey): KeyPath & { document: "start" | "stop" } {
  const path = parseQueryKey(key);
  if (path.document === "descriptors" || path.document === "annotations")
    throw new UnsupportedError(`query key ${JSON.stringify(key)}: ${path.document} keys cannot be used here`);
  return path as KeyPath & { document: "start" | "stop" };
}

/** The value at `path` in `root`, or undefined when absent (object keys only: arrays are not indexed). */
export function valueAtPath(root: unknown, segments: string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
