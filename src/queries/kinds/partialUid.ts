// The partialUid kind: runs whose uid starts with one of some prefixes (an ambiguous prefix is an error).
// Written partialUid("abcde"); Tiled's `partial_uid` filter.
import { listOf } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import { MIN_UID_PREFIX } from "../Query.ts";
import { uidOf } from "../runValues.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * Runs whose uid starts with one of `prefixes` (each at least 5 characters). A prefix that matches several
 * runs within the query's scope is an error naming them, as in databroker.
 */
export interface PartialUID {
  op: "partialUid";
  prefixes: string[];
}

export const partialUidQuery = (prefixes: string[]): PartialUID => ({ op: "partialUid", prefixes });

export const partialUidKind: QueryKind<PartialUID> = {
  op: "partialUid",
  fields: {
    prefixes: listOf((value) => {
      if (typeof value !== "string") return { rule: "type", message: "must be a string" };
      if ([...value].length < MIN_UID_PREFIX)
        return { rule: "min-length", message: `a partial uid needs at least ${MIN_UID_PREFIX} characters` };
      return value.includes(",") ? { rule: "pattern", message: "a partial uid holds no comma" } : undefined;
    }, "uid prefixes"),
  },
  format: (query, text) => `partialUid(${query.prefixes.map((prefix) => text.value(prefix)).join(", ")})`,
  language: {
    functions: {
      names: ["partialUid", "partial_uid"],
      read: (call) => {
        call.named([]);
        return partialUidQuery(call.positional.map((arg) => arg.value as string));
      },
    },
  },
  tiled: {
    name: "partial_uid",
    fieldNames: { prefixes: "partial_uids" },
    encode: (query) => ({ partial_uids: query.prefixes.join(",") }),
    decode: (reader) => partialUidQuery((reader.raw("partial_uids") ?? "").split(",")),
  },
};

export const matchPartialUid: MemoryTranslation<PartialUID> = (query) => (run) => {
  const uid = uidOf(run);
  return query.prefixes.some((prefix) => uid.startsWith(prefix));
};
