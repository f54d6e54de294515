// The keyPresent kind: the run has (or lacks) a key. Written `key exists` / `key missing`; Tiled's
// `keypresent` filter.
import { boolean, keyField } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey } from "../Query.ts";
import { tiledKey } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/** The run has `key` (a JSON null counts as present); with `exists: false`, the run lacks it. Default true. */
export interface KeyPresent {
  op: "keyPresent";
  key: QueryKey;
  exists?: boolean;
}

export const keyPresentQuery = (key: QueryKey, exists = true): KeyPresent => ({
  op: "keyPresent",
  key,
  exists,
});

export const keyPresentKind: QueryKind<KeyPresent> = {
  op: "keyPresent",
  fields: { key: keyField, exists: boolean(true) },
  canonical: (query) => keyPresentQuery(query.key, query.exists ?? true),
  format: (query, text) => `${text.key(query.key)} ${query.exists === false ? "missing" : "exists"}`,
  language: {
    operators: {
      names: ["exists", "missing"],
      read: (condition) => keyPresentQuery(condition.key, condition.operator === "exists"),
    },
  },
  tiled: {
    name: "keypresent",
    encode: (query) => ({ key: tiledKey(query.key), exists: String(query.exists !== false) }),
    decode: (reader) => keyPresentQuery(reader.key(), reader.boolean("exists", true)),
  },
};

export const matchKeyPresent: MemoryTranslation<KeyPresent> = (query) => {
  const present = keyTest(query.key, (stored) => stored !== undefined);
  return query.exists === false ? (run) => !present(run) : present;
};
