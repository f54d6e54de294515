// In-memory evaluation of a Query against a run's metadata (what the memory adapter runs; other adapters
// compile queries to their own language and must give the same answers, pinned by the conformance suite).
import { compareCodePoints } from "./compareValues.ts";
import { parseKey, valueAtPath } from "./keyPath.ts";
import type { Query, QueryKey, QueryValue } from "./Query.ts";

/** The metadata a query sees: start and stop as JSON (non-finite numbers read as null, as JSON stores them). */
export interface RunMetadata {
  start: unknown;
  stop: unknown;
}

export function valueAt(run: RunMetadata, key: QueryKey): unknown {
  const { document, segments } = parseKey(key);
  const root = document === "stop" ? run.stop : run.start;
  return root === null ? undefined : valueAtPath(root, segments);
}

function equals(stored: unknown, value: QueryValue): boolean {
  if (value === null) return stored === null;
  if (typeof value !== "object") return stored === value;
  if (typeof stored !== "object" || stored === null) return false;
  return JSON.stringify(stored) === JSON.stringify(value);
}

function compares(stored: unknown, operator: string, value: number | string): boolean {
  if (typeof stored !== typeof value) return false;
  const order =
    typeof value === "number" ? (stored as number) - value : compareCodePoints(stored as string, value);
  if (Number.isNaN(order)) return false;
  switch (operator) {
    case "lt":
      return order < 0;
    case "le":
      return order <= 0;
    case "gt":
      return order > 0;
    default:
      return order >= 0;
  }
}

export function matches(query: Query, run: RunMetadata): boolean {
  switch (query.op) {
    case "all":
      return true;
    case "eq":
      return equals(valueAt(run, query.key), query.value);
    case "comparison":
      return compares(valueAt(run, query.key), query.operator, query.value);
    case "in": {
      const stored = valueAt(run, query.key);
      return query.values.some((value) => equals(stored, value));
    }
    case "keyPresent":
      return valueAt(run, query.key) !== undefined;
    case "and":
      return query.queries.every((part) => matches(part, run));
    case "or":
      return query.queries.some((part) => matches(part, run));
    case "not":
      return !matches(query.query, run);
  }
}
