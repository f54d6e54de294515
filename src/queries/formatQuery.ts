// Prints a query in the language parseQuery reads, such that parsing the text gives the same query back (for
// queries whose and / or have two or more parts, the forms builders and the parser make). Times print as
// ISO 8601 with their zone's offset when that reads back exactly, else as epoch seconds.

import { isKeyword, TIME_KEYS } from "./parseQuery.ts";
import type { Query, QueryValue } from "./Query.ts";
import { BARE_KEY } from "./queryLexer.ts";
import { formatTime } from "./timeParsing.ts";

const SYMBOLS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

function formatKey(key: string, literal = false): string {
  const bare = BARE_KEY.test(key) && !isKeyword(key.split(".")[0]) && !(literal && TIME_KEYS.has(key));
  return bare ? key : `\`${key.replaceAll("`", "``")}\``;
}

/** The key of a comparison: backticked when a bare key would make the parser read the string as a time. */
function comparedKey(key: string, value: QueryValue): string {
  return formatKey(key, typeof value === "string");
}

function formatValue(value: QueryValue): string {
  return JSON.stringify(value);
}

function formatTimeEnd(epoch: number, timezone: string): string {
  const text = formatTime(epoch, timezone);
  return text === undefined ? String(epoch) : JSON.stringify(text);
}

type Context = "top" | "and" | "or" | "not";

function format(query: Query, context: Context): string {
  switch (query.op) {
    case "all":
      return "*";
    case "eq":
      return `${comparedKey(query.key, query.value)} == ${formatValue(query.value)}`;
    case "notEq":
      return `${comparedKey(query.key, query.value)} != ${formatValue(query.value)}`;
    case "comparison":
      return `${comparedKey(query.key, query.value)} ${SYMBOLS[query.operator]} ${formatValue(query.value)}`;
    case "in":
      return `${formatKey(query.key)} in ${formatValue(query.values)}`;
    case "notIn":
      return `${formatKey(query.key)} not in ${formatValue(query.values)}`;
    case "contains":
      return `${formatKey(query.key)} contains ${formatValue(query.value)}`;
    case "like":
      return `${formatKey(query.key)} like ${formatValue(query.pattern)}`;
    case "regex":
      return `${formatKey(query.key)} ${query.caseSensitive === false ? "=~*" : "=~"} ${formatValue(query.pattern)}`;
    case "keyPresent":
      return `${formatKey(query.key)} ${query.exists === false ? "missing" : "exists"}`;
    case "fullText":
      return formatValue(query.text);
    case "timeRange": {
      const args: string[] = [];
      if (query.since !== undefined) args.push(`since=${formatTimeEnd(query.since, query.timezone)}`);
      if (query.until !== undefined) args.push(`until=${formatTimeEnd(query.until, query.timezone)}`);
      args.push(`timezone=${formatValue(query.timezone)}`);
      return `timeRange(${args.join(", ")})`;
    }
    case "scanId":
    case "scanIdRange": {
      const args =
        query.op === "scanId" ? query.scanIds.map(String) : [String(query.startId), String(query.endId)];
      if (query.duplicates !== "latest") args.push(`duplicates=${formatValue(query.duplicates)}`);
      return `${query.op}(${args.join(", ")})`;
    }
    case "partialUid":
      return `partialUid(${query.prefixes.map(formatValue).join(", ")})`;
    case "and": {
      const text = query.queries.map((part) => format(part, "and")).join(" and ");
      return context === "and" || context === "not" ? `(${text})` : text;
    }
    case "or": {
      const text = query.queries.map((part) => format(part, "or")).join(" or ");
      return context === "top" ? text : `(${text})`;
    }
    case "not":
      return `not ${format(query.query, "not")}`;
  }
}

/** The query as text for people (the language of parseQuery). */
export function formatQuery(query: Query): string {
  return format(query, "top");
}
