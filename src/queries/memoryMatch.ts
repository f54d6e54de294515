// The in-memory evaluator's terms for translating a query kind: a test per run, compiled once per query
// node. Key kinds test each value their key reaches (any one holding is enough, as for descriptors).
import type { ScanSelection } from "./duplicateRules.ts";
import type { Translation } from "./kinds/TranslationTable.ts";
import type { Query, QueryKey } from "./Query.ts";
import { type RunMetadata, valuesAt } from "./runValues.ts";

export type RunTest = (run: RunMetadata) => boolean;

/** What a kind's in-memory translation may ask of the evaluator. */
export interface MatchContext {
  /** The queries a duplicate rule at this node is resolved within. */
  readonly scope: readonly Query[];
  compile(query: Query, scope: readonly Query[]): RunTest;
  /** The uids of the newest run of each selected scan_id within the scope. */
  latest(query: ScanSelection, scope: readonly Query[]): Set<string>;
}

export type MemoryTranslation<Q> = Translation<Q, MatchContext, RunTest>;

/** Runs where some value at `key` satisfies `holds` (undefined: the key is absent). */
export function keyTest(key: QueryKey, holds: (stored: unknown) => boolean): RunTest {
  return (run) => valuesAt(run, key).some(holds);
}
