// A query key (`plan_name`, `sample.name`, `stop.exit_status`) split into the document it reaches and the
// object keys along the way. Shared by in-memory evaluation and every adapter's compiler, so they agree.
import { UnsupportedError } from "../errors.ts";
import type { QueryKey } from "./Query.ts";

export interface KeyPath {
  document: "start" | "stop";
  /** Object keys from the document down; empty for the document itself. */
  segments: string[];
}

export function parseKey(key: QueryKey): KeyPath {
  if (typeof key !== "string" || key === "")
    throw new UnsupportedError(`query key ${JSON.stringify(key)} is not a dotted path`);
  const segments = key.split(".");
  if (segments.some((segment) => segment === "" || segment.includes('"'))) {
    throw new UnsupportedError(
      `query key ${JSON.stringify(key)}: segments must be non-empty and hold no '"'`,
    );
  }
  const document = segments[0] === "stop" ? "stop" : "start";
  if (segments[0] === "stop" || segments[0] === "start") segments.shift();
  return { document, segments };
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
