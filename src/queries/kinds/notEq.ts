// The notEq kind: the run has the key and its value differs. Written `key != value`; Tiled's `noteq`.
import { jsonValue, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey, QueryValue } from "../Query.ts";
import { jsonEquals } from "../runValues.ts";
import { keyValueTiled } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * The run has `key` and its value differs from `value`. As in Tiled (and unlike MongoDB's `$ne`), a run
 * without the key does not match: `not(eq)` is the query that also takes those.
 */
export interface NotEq {
  op: "notEq";
  key: QueryKey;
  value: QueryValue;
}

export const notEqQuery = (key: QueryKey, value: QueryValue): NotEq => ({ op: "notEq", key, value });

export const notEqKind: QueryKind<NotEq> = {
  op: "notEq",
  fields: { key: keyField, value: jsonValue },
  format: (query, text) => `${text.comparedKey(query.key, query.value)} != ${text.value(query.value)}`,
  language: {
    operators: { names: ["!="], read: (condition) => notEqQuery(condition.key, condition.value()) },
  },
  tiled: keyValueTiled("noteq", "value", notEqQuery),
};

export const matchNotEq: MemoryTranslation<NotEq> = (query) =>
  keyTest(query.key, (stored) => stored !== undefined && !jsonEquals(stored, query.value));
