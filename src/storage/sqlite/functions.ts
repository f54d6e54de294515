// SQL functions the query compiler relies on, registered on every connection: `regexp(pattern, text[,
// flags])` runs the Regex query's ECMAScript expression (the same compiled RegExp memory evaluation uses),
// so both adapters answer alike. Also what SQLite's `text REGEXP pattern` operator calls.
import type Database from "better-sqlite3";
import { regexpOf } from "../../queries/regexPattern.ts";

export function registerQueryFunctions(db: Database.Database): void {
  db.function(
    "regexp",
    { deterministic: true, varargs: true },
    (pattern: unknown, text: unknown, flags?: unknown) => {
      if (typeof pattern !== "string" || typeof text !== "string") return 0;
      const caseSensitive = !(typeof flags === "string" && flags.includes("i"));
      return regexpOf(pattern, caseSensitive).test(text) ? 1 : 0;
    },
  );
}
