// The eq kind: the value at a key equals a JSON value. Written `key == value`; Tiled's `eq` filter.
import { jsonValue, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey, QueryValue } from "../Query.ts";
import { jsonEquals } from "../runValues.ts";
import { keyValueTiled } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/** The value at `key` equals `value` (same JSON type; arrays and objects compare as their JSON text). */
export interface Eq {
  op: "eq";
  key: QueryKey;
  value: QueryValue;
}

export const eqQuery = (key: QueryKey, value: QueryValue): Eq => ({ op: "eq", key, value });

export const eqKind: QueryKind<Eq> = {
  op: "eq",
  fields: { key: keyField, value: jsonValue },
  format: (query, text) => `${text.comparedKey(query.key, query.value)} == ${text.value(query.value)}`,
  language: { operators: { names: ["=="], read: (condition) => eqQuery(condition.key, condition.value()) } },
  tiled: keyValueTiled("eq", "value", eqQuery),
};

export const matchEq: MemoryTranslation<Eq> = (query) =>
  keyTest(query.key, (stored) => jsonEquals(stored, query.value));
