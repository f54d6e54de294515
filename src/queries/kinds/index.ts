// The registry of query kinds: the built-in kinds (whose types make up `Query`) and those registered at run
// time. Validation, canonical form, the query language and Tiled's filters all look kinds up here; each
// backend keeps its own TranslationTable, typed over the built-in ops.
import { ValidationError } from "../../errors.ts";
import { type All, allKind } from "./all.ts";
import { type And, andKind } from "./and.ts";
import { type Comparison, comparisonKind } from "./comparison.ts";
import { type Contains, containsKind } from "./contains.ts";
import { type DataRange, dataRangeKind } from "./dataRange.ts";
import { type DataShape, dataShapeKind } from "./dataShape.ts";
import { type DataStat, dataStatKind } from "./dataStat.ts";
import { type DerivedFrom, derivedFromKind } from "./derivedFrom.ts";
import { type Eq, eqKind } from "./eq.ts";
import { type FullText, fullTextKind } from "./fullText.ts";
import { type Fuzzy, fuzzyKind } from "./fuzzy.ts";
import { type HasData, hasDataKind } from "./hasData.ts";
import { type In, inKind } from "./in.ts";
import { type KeyPresent, keyPresentKind } from "./keyPresent.ts";
import { type Like, likeKind } from "./like.ts";
import { type Not, notKind } from "./not.ts";
import { type NotEq, notEqKind } from "./notEq.ts";
import { type NotIn, notInKind } from "./notIn.ts";
import { type Or, orKind } from "./or.ts";
import { type PartialUID, partialUidKind } from "./partialUid.ts";
import type { QueryKind } from "./QueryKind.ts";
import { type Regex, regexKind } from "./regex.ts";
import { type ScanID, scanIdKind } from "./scanId.ts";
import { type ScanIDRange, scanIdRangeKind } from "./scanIdRange.ts";
import { type TimeRange, timeRangeKind } from "./timeRange.ts";

/** The built-in query types by op. */
export interface BuiltInQueries {
  all: All;
  eq: Eq;
  notEq: NotEq;
  comparison: Comparison;
  in: In;
  notIn: NotIn;
  contains: Contains;
  like: Like;
  regex: Regex;
  fullText: FullText;
  fuzzy: Fuzzy;
  keyPresent: KeyPresent;
  timeRange: TimeRange;
  scanId: ScanID;
  scanIdRange: ScanIDRange;
  partialUid: PartialUID;
  derivedFrom: DerivedFrom;
  dataStat: DataStat;
  dataRange: DataRange;
  dataShape: DataShape;
  hasData: HasData;
  and: And;
  or: Or;
  not: Not;
}

export type QueryOp = keyof BuiltInQueries;
export type QueryOf<Op extends QueryOp> = BuiltInQueries[Op];
export type Query = BuiltInQueries[QueryOp];

const BUILT_IN: { [Op in QueryOp]: QueryKind<QueryOf<Op>> } = {
  all: allKind,
  eq: eqKind,
  notEq: notEqKind,
  comparison: comparisonKind,
  in: inKind,
  notIn: notInKind,
  contains: containsKind,
  like: likeKind,
  regex: regexKind,
  fullText: fullTextKind,
  fuzzy: fuzzyKind,
  keyPresent: keyPresentKind,
  timeRange: timeRangeKind,
  scanId: scanIdKind,
  scanIdRange: scanIdRangeKind,
  partialUid: partialUidKind,
  derivedFrom: derivedFromKind,
  dataStat: dataStatKind,
  dataRange: dataRangeKind,
  dataShape: dataShapeKind,
  hasData: hasDataKind,
  and: andKind,
  or: orKind,
  not: notKind,
};

const kinds = new Map<string, QueryKind>(Object.values(BUILT_IN).map((kind) => [kind.op, kind as QueryKind]));
const listeners: Array<() => void> = [];

/**
 * Adds a query kind. Its queries then validate, print, parse and travel as JSON (and as Tiled filters when
 * it has that form); each backend that is to run it needs its translation registered too.
 */
export function registerQueryKind<Q extends { op: string }>(kind: QueryKind<Q>): void {
  const known = kinds.get(kind.op);
  if (known && known !== (kind as QueryKind))
    throw new ValidationError(`query kind ${JSON.stringify(kind.op)} is already registered`);
  kinds.set(kind.op, kind as QueryKind);
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever a kind is registered (for tables derived from the kinds). */
export function onQueryKindsChange(listener: () => void): void {
  listeners.push(listener);
}

export function queryKind(op: string): QueryKind | undefined {
  return kinds.get(op);
}

/** Every kind, built-in first, in their order of registration. */
export function queryKinds(): Iterable<QueryKind> {
  return kinds.values();
}

export function queryOps(): string[] {
  return [...kinds.keys()];
}
