// In-memory evaluation of a Query against runs' metadata (what the memory and files adapters run; other
// adapters compile queries to their own language and must give the same answers, pinned by the property
// test). A query is compiled once into a closure per node; scopes of duplicate rules are fixed at that time.
import { UnsupportedError, ValidationError } from "../errors.ts";
import { compareCodePoints } from "./compareValues.ts";
import {
  ambiguousPrefixMessage,
  duplicatedScanIdsMessage,
  isNewer,
  partScopes,
  type ScanSelection,
  scanIdOf,
  selectsScanId,
  walkScoped,
} from "./duplicateRules.ts";
import { wordSetOf, wordsOf } from "./fullText.ts";
import { parseKey, parseQueryKey, valueAtPath } from "./keyPath.ts";
import { likeMatcher } from "./likePattern.ts";
import type { KeyQuery, Query, QueryKey, QueryValue } from "./Query.ts";
import { regexpOf } from "./regexPattern.ts";

/**
 * The metadata a query sees: start, stop (null when the run has none) and the descriptors, as JSON (non-finite
 * numbers read as null, as JSON stores them).
 */
export interface RunMetadata {
  start: unknown;
  stop: unknown;
  descriptors?: readonly unknown[];
}

/** The value at a start or stop key (sorting reads this), or undefined when absent. */
export function valueAt(run: RunMetadata, key: QueryKey): unknown {
  const { document, segments } = parseKey(key);
  const root = document === "stop" ? run.stop : run.start;
  return root === null || root === undefined ? undefined : valueAtPath(root, segments);
}

/** The values a key reaches: one for start and stop keys, one per descriptor for `descriptors.` keys. */
export function valuesAt(run: RunMetadata, key: QueryKey): unknown[] {
  const { document, segments } = parseQueryKey(key);
  if (document === "descriptors")
    return (run.descriptors ?? []).map((descriptor) => valueAtPath(descriptor, segments));
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

/** Whether one stored value (undefined: absent) satisfies a key query, `exists: false` aside. */
function holdsFor(query: KeyQuery, stored: unknown): boolean {
  switch (query.op) {
    case "eq":
      return jsonEquals(stored, query.value);
    case "notEq":
      return stored !== undefined && !jsonEquals(stored, query.value);
    case "comparison":
      return compares(stored, query.operator, query.value);
    case "in":
      return query.values.some((value) => jsonEquals(stored, value));
    case "notIn":
      return stored !== undefined && !query.values.some((value) => jsonEquals(stored, value));
    case "contains":
      if (Array.isArray(stored)) return stored.some((element) => jsonEquals(element, query.value));
      return typeof stored === "string" && typeof query.value === "string" && stored.includes(query.value);
    case "like":
      return typeof stored === "string" && likeMatcher(query.pattern).test(stored);
    case "regex":
      return typeof stored === "string" && regexpOf(query.pattern, query.caseSensitive).test(stored);
    case "keyPresent":
      return stored !== undefined;
  }
}

type RunTest = (run: RunMetadata) => boolean;

function uidOf(run: RunMetadata): string {
  const uid = (run.start as { uid?: unknown } | null)?.uid;
  return typeof uid === "string" ? uid : "";
}

function timeOf(run: RunMetadata): number | null {
  const time = (run.start as { time?: unknown } | null)?.time;
  return typeof time === "number" ? time : null;
}

/** A query compiled against a catalog of runs (the catalog is needed only by duplicate rules). */
export class RunQuery {
  private readonly test: RunTest;

  constructor(
    readonly query: Query,
    private readonly catalog?: readonly RunMetadata[],
  ) {
    this.test = this.compile(query, []);
  }

  /** Throws the errors of duplicate rules: `duplicates: "error"` with shared scan_ids, ambiguous prefixes. */
  check(): void {
    walkScoped(this.query, (node, scope) => {
      if ((node.op === "scanId" || node.op === "scanIdRange") && node.duplicates === "error") {
        const counts = new Map<number, number>();
        for (const run of this.selected(node, scope)) {
          const scanId = scanIdOf(run.start)!;
          counts.set(scanId, (counts.get(scanId) ?? 0) + 1);
        }
        const shared = [...counts].filter(([, count]) => count > 1).map(([scanId]) => scanId);
        if (shared.length > 0)
          throw new ValidationError(duplicatedScanIdsMessage(shared.sort((a, b) => a - b)));
      } else if (node.op === "partialUid") {
        const inScope = this.scopeTest(scope);
        for (const prefix of node.prefixes) {
          const uids = this.runs()
            .filter((run) => uidOf(run).startsWith(prefix) && inScope(run))
            .map(uidOf)
            .sort(compareCodePoints);
          if (uids.length > 1) throw new ValidationError(ambiguousPrefixMessage(prefix, uids));
        }
      }
    });
  }

  matches(run: RunMetadata): boolean {
    return this.test(run);
  }

  private runs(): readonly RunMetadata[] {
    if (!this.catalog)
      throw new UnsupportedError("scan_id duplicates and partial uids need the other runs: use filterRuns");
    return this.catalog;
  }

  private scopeTest(scope: readonly Query[]): RunTest {
    const tests = scope.map((part) => this.compile(part, []));
    return (run) => tests.every((test) => test(run));
  }

  private selected(node: ScanSelection, scope: readonly Query[]): RunMetadata[] {
    const inScope = this.scopeTest(scope);
    return this.runs().filter((run) => selectsScanId(node, scanIdOf(run.start)) && inScope(run));
  }

  /** The uids of the newest run of each selected scan_id within the scope. */
  private latest(node: ScanSelection, scope: readonly Query[]): Set<string> {
    const facts = (run: RunMetadata) => ({ uid: uidOf(run), time: timeOf(run) });
    const newest = new Map<number, RunMetadata>();
    for (const run of this.selected(node, scope)) {
      const scanId = scanIdOf(run.start)!;
      const held = newest.get(scanId);
      if (!held || isNewer(facts(run), facts(held))) newest.set(scanId, run);
    }
    return new Set([...newest.values()].map(uidOf));
  }

  private compile(query: Query, scope: readonly Query[]): RunTest {
    switch (query.op) {
      case "all":
        return () => true;
      case "keyPresent":
        if (query.exists === false) {
          const present = this.compile({ ...query, exists: true }, scope);
          return (run) => !present(run);
        }
        return (run) => valuesAt(run, query.key).some((stored) => holdsFor(query, stored));
      case "eq":
      case "notEq":
      case "comparison":
      case "in":
      case "notIn":
      case "contains":
      case "like":
      case "regex":
        return (run) => valuesAt(run, query.key).some((stored) => holdsFor(query, stored));
      case "fullText": {
        const words = wordsOf(query.text);
        return (run) => {
          const indexed = wordSetOf(run.start);
          return words.every((word) => indexed.has(word));
        };
      }
      case "timeRange":
        return (run) => {
          const time = timeOf(run);
          if (time === null) return false;
          return (
            (query.since === undefined || time >= query.since) &&
            (query.until === undefined || time < query.until)
          );
        };
      case "scanId":
      case "scanIdRange": {
        if (query.duplicates !== "latest") return (run) => selectsScanId(query, scanIdOf(run.start));
        let winners: Set<string> | undefined;
        return (run) => {
          winners ??= this.latest(query, scope);
          return winners.has(uidOf(run));
        };
      }
      case "partialUid":
        return (run) => {
          const uid = uidOf(run);
          return query.prefixes.some((prefix) => uid.startsWith(prefix));
        };
      case "and": {
        const scopes = partScopes(query, scope);
        const parts = query.queries.map((part, index) => this.compile(part, scopes[index]));
        return (run) => parts.every((part) => part(run));
      }
      case "or": {
        const parts = query.queries.map((part) => this.compile(part, scope));
        return (run) => parts.some((part) => part(run));
      }
      case "not": {
        const inner = this.compile(query.query, scope);
        return (run) => !inner(run);
      }
      default:
        throw new UnsupportedError(`unknown query operator ${JSON.stringify((query as { op: unknown }).op)}`);
    }
  }
}

/**
 * Whether one run matches. Duplicate rules (ScanID latest / error, PartialUID ambiguity) need `catalog`, the
 * runs the search covers; without it they throw UnsupportedError.
 */
export function matches(query: Query, run: RunMetadata, catalog?: readonly RunMetadata[]): boolean {
  const compiled = new RunQuery(query, catalog);
  if (catalog) compiled.check();
  return compiled.matches(run);
}

/** The runs that match, in their given order; the errors of duplicate rules are thrown first. */
export function filterRuns<R extends RunMetadata>(query: Query, runs: readonly R[]): R[] {
  const compiled = new RunQuery(query, runs);
  compiled.check();
  return runs.filter((run) => compiled.matches(run));
}
