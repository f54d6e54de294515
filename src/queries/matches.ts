// In-memory evaluation of a Query against runs' metadata (what the memory and files adapters run; other
// adapters compile queries to their own language and must give the same answers, pinned by the property
// test). A query is compiled once into a closure per node; scopes of duplicate rules are fixed at that time.
import { UnsupportedError, ValidationError } from "../errors.ts";
import { compareCodePoints } from "./compareValues.ts";
import { notIndexedError, numbersRead } from "./dataKey.ts";
import {
  ambiguousPrefixMessage,
  duplicatedScanIdsMessage,
  isNewer,
  type ScanSelection,
  scanIdOf,
  selectsScanId,
  walkScoped,
} from "./duplicateRules.ts";
import { matchAll } from "./kinds/all.ts";
import { matchAnd } from "./kinds/and.ts";
import { matchComparison } from "./kinds/comparison.ts";
import { matchContains } from "./kinds/contains.ts";
import { matchDataRange } from "./kinds/dataRange.ts";
import { matchDataShape } from "./kinds/dataShape.ts";
import { matchDataStat } from "./kinds/dataStat.ts";
import { matchDerivedFrom } from "./kinds/derivedFrom.ts";
import { matchEq } from "./kinds/eq.ts";
import { matchFullText } from "./kinds/fullText.ts";
import { matchFuzzy } from "./kinds/fuzzy.ts";
import { matchHasData } from "./kinds/hasData.ts";
import { matchIn } from "./kinds/in.ts";
import { matchKeyPresent } from "./kinds/keyPresent.ts";
import { matchLike } from "./kinds/like.ts";
import { matchNot } from "./kinds/not.ts";
import { matchNotEq } from "./kinds/notEq.ts";
import { matchNotIn } from "./kinds/notIn.ts";
import { matchOr } from "./kinds/or.ts";
import { matchPartialUid } from "./kinds/partialUid.ts";
import { matchRegex } from "./kinds/regex.ts";
import { matchScanSelection } from "./kinds/scanSelection.ts";
import { TranslationTable } from "./kinds/TranslationTable.ts";
import { matchTimeRange } from "./kinds/timeRange.ts";
import type { MatchContext, RunTest } from "./memoryMatch.ts";
import type { Query } from "./Query.ts";
import { type RunMetadata, timeOf, uidOf } from "./runValues.ts";

export { jsonEquals, type RunMetadata, valueAt, valuesAt } from "./runValues.ts";

/** The in-memory evaluator's translation of every query kind (each kind's own match rule). */
export const memoryTranslations = new TranslationTable<MatchContext, RunTest>("in-memory matcher", {
  all: matchAll,
  eq: matchEq,
  notEq: matchNotEq,
  comparison: matchComparison,
  in: matchIn,
  notIn: matchNotIn,
  contains: matchContains,
  like: matchLike,
  regex: matchRegex,
  fullText: matchFullText,
  fuzzy: matchFuzzy,
  keyPresent: matchKeyPresent,
  timeRange: matchTimeRange,
  scanId: matchScanSelection,
  scanIdRange: matchScanSelection,
  partialUid: matchPartialUid,
  derivedFrom: matchDerivedFrom,
  dataStat: matchDataStat,
  dataRange: matchDataRange,
  dataShape: matchDataShape,
  hasData: matchHasData,
  and: matchAnd,
  or: matchOr,
  not: matchNot,
});

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
      } else {
        const read = numbersRead(node);
        if (
          read &&
          this.catalog?.some((run) => run.streams?.[read.stream]?.fields[read.field]?.indexed === false)
        )
          throw notIndexedError(read.stream, read.field);
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
    const context: MatchContext = {
      scope,
      compile: (part, partScope) => this.compile(part, partScope),
      latest: (node, nodeScope) => this.latest(node, nodeScope),
    };
    return memoryTranslations.translate(query, context);
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
