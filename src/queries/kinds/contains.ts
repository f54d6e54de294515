// The contains kind: list membership or substring. Written `key contains value`; Tiled's `contains` filter.
import { jsonValue, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey, QueryValue } from "../Query.ts";
import { jsonEquals } from "../runValues.ts";
import { keyValueTiled } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * The value at `key` contains `value`: when the stored value is an array, one of its elements equals `value`
 * (list membership); when it is a string and `value` is a string, `value` is a substring of it
 * (case-sensitive). Any other stored value never contains anything.
 */
export interface Contains {
  op: "contains";
  key: QueryKey;
  value: QueryValue;
}

export const containsQuery = (key: QueryKey, value: QueryValue): Contains => ({ op: "contains", key, value });

export const containsKind: QueryKind<Contains> = {
  op: "contains",
  fields: { key: keyField, value: jsonValue },
  format: (query, text) => `${text.key(query.key)} contains ${text.value(query.value)}`,
  language: {
    operators: { names: ["contains"], read: (condition) => containsQuery(condition.key, condition.value()) },
  },
  tiled: keyValueTiled("contains", "value", containsQuery),
};

export const matchContains: MemoryTranslation<Contains> = (query) =>
  keyTest(query.key, (stored) => {
    if (Array.isArray(stored)) return stored.some((element) => jsonEquals(element, query.value));
    return typeof stored === "string" && typeof query.value === "string" && stored.includes(query.value);
  });
