// Collects the findings of one document in the slow, explaining mode. Every check takes a `Sink`: `null` on
// the fast path, where a check returns false at the first violation and builds no path or message at all.
import type { Finding } from "../../errors.ts";

export class FindingSink {
  readonly findings: Finding[] = [];
  constructor(readonly name: string) {}

  /** Records one finding; returns false so a check can `return sink.report(...)`. */
  report(path: string, rule: string, sentence: string): false {
    this.findings.push({ name: this.name, path, rule, message: `${this.name}: ${sentence}` });
    return false;
  }
}

export type Sink = FindingSink | null;

/** Path of `key` inside the field at `path` (`data_keys.det`); "" on the fast path, which never reads it. */
export function childPath(sink: Sink, path: string, key: string): string {
  if (sink === null) return "";
  return path === "" ? key : `${path}.${key}`;
}

/** Path of item `index` of the array at `path` (`shape[1]`). */
export function itemPath(sink: Sink, path: string, index: number): string {
  return sink === null ? "" : `${path}[${index}]`;
}

function subject(path: string): string {
  return path === "" ? "the document" : path;
}

/** A short rendering of an offending value for messages: strings quoted and clipped, containers named. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const quoted = JSON.stringify(value);
    return quoted.length > 60 ? `${quoted.slice(0, 57)}..."` : quoted;
  }
  if (typeof value === "bigint") return `the big integer ${value}`;
  if (Array.isArray(value)) return "an array";
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}

export function reportType(sink: Sink, path: string, value: unknown, expected: string): false {
  if (sink === null) return false;
  return sink.report(path, "type", `${subject(path)} must be ${expected}, got ${describeValue(value)}`);
}

export function reportMissing(sink: Sink, path: string): false {
  if (sink === null) return false;
  return sink.report(path, "required", `${path} is required but missing`);
}

/** A key the schema does not allow (`additionalProperties`/`unevaluatedProperties: false`) in the object at `parent`. */
export function reportUnexpected(sink: Sink, parent: string, key: string): false {
  if (sink === null) return false;
  const sentence = `field ${JSON.stringify(key)} is not allowed in ${subject(parent)}`;
  return sink.report(childPath(sink, parent, key), "additional-property", sentence);
}

/** A metadata key in the object at `parent` that is empty or holds "." or "/". */
export function reportUnsafeKey(sink: Sink, parent: string, key: string): false {
  if (sink === null) return false;
  const where = parent === "" ? "" : ` in ${parent}`;
  const sentence = `key ${JSON.stringify(key)}${where} must be non-empty and contain no "." or "/"`;
  return sink.report(childPath(sink, parent, key), "key-pattern", sentence);
}

export function reportEnum(sink: Sink, path: string, value: unknown, allowed: readonly string[]): false {
  if (sink === null) return false;
  const choices = allowed.map((choice) => JSON.stringify(choice)).join(", ");
  return sink.report(path, "enum", `${subject(path)} must be one of ${choices}, got ${describeValue(value)}`);
}

export function reportConst(sink: Sink, path: string, value: unknown, expected: string): false {
  if (sink === null) return false;
  const sentence = `${subject(path)} must be ${JSON.stringify(expected)}, got ${describeValue(value)}`;
  return sink.report(path, "const", sentence);
}

/** A string that misses its pattern; `meaning` says in words what the pattern asks for. */
export function reportPattern(
  sink: Sink,
  path: string,
  value: string,
  pattern: string,
  meaning: string,
): false {
  if (sink === null) return false;
  const sentence = `${path} must ${meaning} (pattern ${pattern}), got ${describeValue(value)}`;
  return sink.report(path, "pattern", sentence);
}

export function reportItemCount(sink: Sink, path: string, count: number, expected: number): false {
  if (sink === null) return false;
  const rule = count < expected ? "min-items" : "max-items";
  return sink.report(path, rule, `${path} must have exactly ${expected} items, got ${count}`);
}
