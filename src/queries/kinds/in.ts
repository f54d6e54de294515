// The in kind: the value at a key equals one of a list. Written `key in [..]`; Tiled's `in` filter.
import { jsonList, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey, QueryValue } from "../Query.ts";
import { jsonEquals } from "../runValues.ts";
import { keyValueTiled } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/** The value at `key` equals one of `values`. */
export interface In {
  op: "in";
  key: QueryKey;
  values: QueryValue[];
}

export const inQuery = (key: QueryKey, values: QueryValue[]): In => ({ op: "in", key, values });

export const inKind: QueryKind<In> = {
  op: "in",
  fields: { key: keyField, values: jsonList },
  format: (query, text) => `${text.key(query.key)} in ${text.value(query.values)}`,
  language: { operators: { names: ["in"], read: (condition) => inQuery(condition.key, condition.list()) } },
  tiled: keyValueTiled("in", "values", inQuery),
};

export const matchIn: MemoryTranslation<In> = (query) =>
  keyTest(query.key, (stored) => query.values.some((value) => jsonEquals(stored, value)));
