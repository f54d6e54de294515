// The notIn kind: the run has the key and its value equals none of a list. Written `key not in [..]`;
// Tiled's `notin` filter.
import { jsonList, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey, QueryValue } from "../Query.ts";
import { jsonEquals } from "../runValues.ts";
import { keyValueTiled } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/** The run has `key` and its value equals none of `values` (a run without the key does not match). */
export interface NotIn {
  op: "notIn";
  key: QueryKey;
  values: QueryValue[];
}

export const notInQuery = (key: QueryKey, values: QueryValue[]): NotIn => ({ op: "notIn", key, values });

export const notInKind: QueryKind<NotIn> = {
  op: "notIn",
  fields: { key: keyField, values: jsonList },
  format: (query, text) => `${text.key(query.key)} not in ${text.value(query.values)}`,
  language: {
    operators: {
      names: ["not"],
      read: (condition) => {
        condition.expectWord("in");
        return notInQuery(condition.key, condition.list());
      },
    },
  },
  tiled: keyValueTiled("notin", "values", notInQuery),
};

export const matchNotIn: MemoryTranslation<NotIn> = (query) =>
  keyTest(
    query.key,
    (stored) => stored !== undefined && !query.values.some((value) => jsonEquals(stored, value)),
  );
