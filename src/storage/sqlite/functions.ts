// SQL functions the query compiler relies on, registered on every connection: `regexp(pattern, text[,
// flags])` runs the Regex query's expression on RE2 (the same compiled matcher memory evaluation uses), so
// both adapters answer alike. Also what SQLite's `text REGEXP pattern` operator calls. Each call checks the
// active search's deadline: throwing from a function aborts the statement, so a search cannot hold the thread.
import type Database from "better-sqlite3";
import { regexpOf } from "../../queries/regexPattern.ts";
import { checkActiveDeadline } from "../../queries/SearchDeadline.ts";

export function registerQueryFunctions(db: Database.Database): void {
  db.function(
    "regexp",
    { deterministic: true, varargs: true },
    (pattern: unknown, text: unknown, flags?: unknown) => {
      checkActiveDeadline();
      if (typeof pattern !== "string" || typeof text !== "string") return 0;
      const caseSensitive = !(typeof flags === "string" && flags.includes("i"));
      return regexpOf(pattern, caseSensitive).test(text) ? 1 : 0;
    },
  );
}
