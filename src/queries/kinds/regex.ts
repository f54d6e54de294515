// The regex kind: a regular expression search in the string at a key. Written `key =~ ".."` (`=~*` or
// /../i ignore case); Tiled's `regex` filter.
import { boolean, keyField, text } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey } from "../Query.ts";
import { regexProblem, regexpOf } from "../regexPattern.ts";
import { tiledKey } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

/**
 * The string at `key` contains a match of the regular expression `pattern` (a search, not a full match;
 * anchor with ^ and $). The syntax is ECMAScript's in unicode mode, limited to the part Python's `re` and
 * PostgreSQL also read (see regexPattern.ts).
 */
export interface Regex {
  op: "regex";
  key: QueryKey;
  pattern: string;
  caseSensitive: boolean;
}

export const regexQuery = (key: QueryKey, pattern: string, caseSensitive: boolean): Regex => ({
  op: "regex",
  key,
  pattern,
  caseSensitive,
});

export const regexKind: QueryKind<Regex> = {
  op: "regex",
  fields: { key: keyField, pattern: text(regexProblem, "regex"), caseSensitive: boolean(true) },
  canonical: (query) => ({ ...query, caseSensitive: query.caseSensitive ?? true }),
  format: (query, text) =>
    `${text.key(query.key)} ${query.caseSensitive === false ? "=~*" : "=~"} ${text.value(query.pattern)}`,
  language: {
    operators: {
      names: ["=~", "=~*"],
      read: (condition) => {
        const ignoreCase = condition.operator === "=~*";
        const token = condition.next();
        condition.at(token);
        if (token.kind === "string") return regexQuery(condition.key, token.value as string, !ignoreCase);
        if (token.kind === "regex") {
          const { pattern, flags } = token.value as { pattern: string; flags: string };
          if (/[^i]/.test(flags))
            throw condition.error(token, `unsupported regex flags ${JSON.stringify(flags)} (only i)`);
          return regexQuery(condition.key, pattern, !(ignoreCase || flags.includes("i")));
        }
        throw condition.error(token, "expected a regex: a quoted string or /pattern/");
      },
    },
  },
  tiled: {
    name: "regex",
    fieldNames: { caseSensitive: "case_sensitive" },
    encode: (query) => ({
      key: tiledKey(query.key),
      pattern: query.pattern,
      case_sensitive: String(query.caseSensitive !== false),
    }),
    decode: (reader) =>
      regexQuery(reader.key(), reader.raw("pattern") ?? "", reader.boolean("case_sensitive", true)),
  },
};

export const matchRegex: MemoryTranslation<Regex> = (query) =>
  keyTest(
    query.key,
    (stored) => typeof stored === "string" && regexpOf(query.pattern, query.caseSensitive).test(stored),
  );
