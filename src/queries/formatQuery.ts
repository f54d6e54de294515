// Prints a query in the language parseQuery reads, such that parsing the text gives the same query back (for
// queries whose and / or have two or more parts, the forms builders and the parser make). Each kind prints
// itself with these helpers. Times print as ISO 8601 with their zone's offset when that reads back exactly,
// else as epoch seconds.
import { UnsupportedError } from "../errors.ts";
import { statKeyOf } from "./dataKey.ts";
import { queryKind } from "./kinds/index.ts";
import type { FormatPlace, QueryText } from "./kinds/QueryKind.ts";
import type { Query, QueryKey, QueryValue } from "./Query.ts";
import { BARE_KEY } from "./queryLexer.ts";
import { isKeyword, TIME_KEYS } from "./queryWords.ts";
import { formatTime } from "./timeParsing.ts";

function formatKey(key: QueryKey, literal = false): string {
  // A start key spelled like a statistic (`sample.temperature.max`) would read back as search into data.
  if (statKeyOf(key)) return formatKey(`start.${key}`, literal);
  const bare = BARE_KEY.test(key) && !isKeyword(key.split(".")[0]) && !(literal && TIME_KEYS.has(key));
  return bare ? key : `\`${key.replaceAll("`", "``")}\``;
}

function formatValue(value: QueryValue): string {
  return JSON.stringify(value);
}

function textAt(place: FormatPlace): QueryText {
  return {
    place,
    key: (key) => formatKey(key),
    // Backticked when a bare key would make the parser read the string as a time.
    comparedKey: (key, value) => formatKey(key, typeof value === "string"),
    value: formatValue,
    timeEnd: (epoch, timezone) => {
      const text = formatTime(epoch, timezone);
      return text === undefined ? String(epoch) : JSON.stringify(text);
    },
    part: format,
  };
}

function format(query: Query | { op: string }, place: FormatPlace): string {
  const kind = queryKind(query.op);
  if (!kind) throw new UnsupportedError(`unknown query operator ${JSON.stringify(query.op)}`);
  return kind.format(query, textAt(place));
}

/** The query as text for people (the language of parseQuery). */
export function formatQuery(query: Query): string {
  return format(query, "top");
}
