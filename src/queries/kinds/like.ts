// The like kind: an SQL LIKE pattern over the whole string at a key. Written `key like ".."`; Tiled's `like`.
import { keyField, text } from "../fieldChecks.ts";
import { likeMatcher, likeProblem } from "../likePattern.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey } from "../Query.ts";
import { tiledKey } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * The string at `key` matches an SQL LIKE pattern over the whole string: `%` is any run of characters, `_`
 * exactly one character, and a backslash makes the next character literal (`\%`, `\_`, `\\`). Case-sensitive
 * on every adapter (as PostgreSQL's LIKE; SQLite's own LIKE folds ASCII case, so SQLite runs it as GLOB).
 */
export interface Like {
  op: "like";
  key: QueryKey;
  pattern: string;
}

export const likeQuery = (key: QueryKey, pattern: string): Like => ({ op: "like", key, pattern });

export const likeKind: QueryKind<Like> = {
  op: "like",
  fields: { key: keyField, pattern: text(likeProblem) },
  format: (query, text) => `${text.key(query.key)} like ${text.value(query.pattern)}`,
  language: {
    operators: {
      names: ["like"],
      read: (condition) => {
        const pattern = condition.next();
        if (pattern.kind !== "string") throw condition.error(pattern, "expected a quoted LIKE pattern");
        condition.at(pattern);
        return likeQuery(condition.key, pattern.value as string);
      },
    },
  },
  tiled: {
    name: "like",
    encode: (query) => ({ key: tiledKey(query.key), pattern: JSON.stringify(query.pattern) }),
    decode: (reader) => likeQuery(reader.key(), reader.json("pattern") as string),
  },
};

export const matchLike: MemoryTranslation<Like> = (query) =>
  keyTest(query.key, (stored) => typeof stored === "string" && likeMatcher(query.pattern).test(stored));
