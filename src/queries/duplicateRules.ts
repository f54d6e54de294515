// The rules that look beyond one run: ScanID / ScanIDRange duplicates (latest, error) and ambiguous
// PartialUID prefixes. Each is resolved within its scope: the runs matching the other parts of every `and`
// that encloses it (as a chained Tiled search resolves them among the results so far). Scopes are read with
// duplicate rules switched off, so a scope never depends on itself. Shared by every evaluator and compiler.
import { compareCodePoints } from "./compareValues.ts";
import type { And, Query, ScanID, ScanIDRange } from "./Query.ts";

export type ScanSelection = ScanID | ScanIDRange;

/** The scan_id of a start document as queries see it: a finite number, else undefined. */
export function scanIdOf(start: unknown): number | undefined {
  const scanId = (start as { scan_id?: unknown } | null)?.scan_id;
  return typeof scanId === "number" && Number.isFinite(scanId) ? scanId : undefined;
}

/** Whether a scan selection names `scanId`, duplicates aside. */
export function selectsScanId(query: ScanSelection, scanId: number | undefined): boolean {
  if (scanId === undefined) return false;
  return query.op === "scanId"
    ? query.scanIds.includes(scanId)
    : scanId >= query.startId && scanId < query.endId;
}

/** The query with every duplicates rule read as "all" (what a scope means). */
export function withoutDuplicateRules(query: Query): Query {
  switch (query.op) {
    case "scanId":
    case "scanIdRange":
      return query.duplicates === "all" ? query : { ...query, duplicates: "all" };
    case "and":
    case "or":
      return { op: query.op, queries: query.queries.map(withoutDuplicateRules) };
    case "not":
      return { op: "not", query: withoutDuplicateRules(query.query) };
    default:
      return query;
  }
}

/** The scope of each part of an `and`: the enclosing scope plus the and's other parts. */
export function partScopes(and: And, scope: readonly Query[]): Query[][] {
  const parts = and.queries.map(withoutDuplicateRules);
  return and.queries.map((_, index) => [...scope, ...parts.filter((__, other) => other !== index)]);
}

/** Calls `visit` for every node of a query with the scope it is resolved in. */
export function walkScoped(
  query: Query,
  visit: (node: Query, scope: readonly Query[]) => void,
  scope: readonly Query[] = [],
): void {
  visit(query, scope);
  if (query.op === "and") {
    const scopes = partScopes(query, scope);
    query.queries.forEach((part, index) => {
      walkScoped(part, visit, scopes[index]);
    });
  } else if (query.op === "or") for (const part of query.queries) walkScoped(part, visit, scope);
  else if (query.op === "not") walkScoped(query.query, visit, scope);
}

export interface RunOrderFacts {
  uid: string;
  time: number | null;
}

/**
 * Whether run `a` is newer than `b` in the default newest-first order: a later start time, or the same time
 * and a smaller uid (by code point). A run without a numeric time is newer only than another without one.
 */
export function isNewer(a: RunOrderFacts, b: RunOrderFacts): boolean {
  if (a.time !== null && b.time !== null && a.time > b.time) return true;
  return a.time === b.time && compareCodePoints(a.uid, b.uid) < 0;
}

/** The scan_ids that several runs share, for the error of `duplicates: "error"`. */
export function duplicatedScanIdsMessage(scanIds: number[]): string {
  return `several runs share scan_id ${scanIds.join(", ")} (duplicates: "error"); narrow the search or use duplicates "latest" or "all"`;
}

/** Up to this many uids are named when a prefix is ambiguous. */
export const MAX_LISTED_UIDS = 10;

export function ambiguousPrefixMessage(prefix: string, uids: string[]): string {
  const listed = uids.slice(0, MAX_LISTED_UIDS).join(", ");
  const more = uids.length > MAX_LISTED_UIDS ? ", ..." : "";
  return `partial uid ${prefix} is ambiguous: it matches ${listed}${more}; give more characters`;
}
