// The dataStat kind: a statistic of what a stream recorded compared with a number (search into data):
// `primary.theta.min >= 0`, `primary.det.max > 1e4`, `primary.img.sum > 1000` (some frame's sum),
// `primary.events >= 100`. Statistics are kept at ingest; see dataKey.ts for what each one means.
import {
  DATA_STATS,
  type DataStatName,
  dataPath,
  indexedFieldStats,
  nameProblem,
  PER_EVENT_STATS,
} from "../dataKey.ts";
import { finding, number, oneOf } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import { COMPARISON_OPERATORS, COMPARISON_SYMBOLS, type ComparisonOperator } from "./comparison.ts";
import type { QueryKind } from "./QueryKind.ts";

export type DataStatOperator = ComparisonOperator | "eq";

/**
 * The statistic `stat` of `field` in the run's stream `stream` compares to `value`. Without `field`, `stat`
 * is `events`: the stream's events. A run without the stream or field, or whose field has no number, does
 * not match.
 */
export interface DataStat {
  op: "dataStat";
  stream: string;
  field?: string;
  stat: DataStatName;
  operator: DataStatOperator;
  value: number;
}

export const dataStatQuery = (
  stream: string,
  field: string | undefined,
  stat: DataStatName,
  operator: DataStatOperator,
  value: number,
): DataStat =>
  field === undefined
    ? { op: "dataStat", stream, stat, operator, value }
    : { op: "dataStat", stream, field, stat, operator, value };

const SYMBOLS: Record<DataStatOperator, string> = { ...COMPARISON_SYMBOLS, eq: "==" };
export const DATA_STAT_OPERATORS: Record<string, DataStatOperator> = { ...COMPARISON_OPERATORS, "==": "eq" };

const name = { check: nameProblem };

export const dataStatKind: QueryKind<DataStat> = {
  op: "dataStat",
  fields: {
    stream: name,
    field: { ...name, optional: true },
    stat: oneOf(DATA_STATS),
    operator: oneOf(Object.keys(SYMBOLS)),
    value: number(),
  },
  crossCheck: (query, path, findings) => {
    if (query.field === undefined && query.stat !== "events")
      findings.push(finding(`${path}.field`, "required", `the statistic ${query.stat} needs a field`));
    if (query.operator === "eq" && PER_EVENT_STATS.has(query.stat))
      findings.push(
        finding(
          `${path}.operator`,
          "enum",
          `${query.stat} is per event: compare it with <, <=, > or >= (it holds when some event's ${query.stat} does)`,
        ),
      );
  },
  format: (query) =>
    `${dataPath(query.stream, query.field)}.${query.stat} ${SYMBOLS[query.operator]} ${JSON.stringify(query.value)}`,
  tiled: {
    name: "datastat",
    encode: (query) => ({
      stream: query.stream,
      ...(query.field === undefined ? {} : { field: query.field }),
      stat: query.stat,
      operator: query.operator,
      value: JSON.stringify(query.value),
    }),
    decode: (reader) =>
      dataStatQuery(
        reader.raw("stream") ?? "",
        reader.raw("field", true),
        reader.raw("stat") as DataStatName,
        reader.raw("operator") as DataStatOperator,
        reader.json("value") as number,
      ),
  },
};

function holds(stored: number, operator: DataStatOperator, value: number): boolean {
  switch (operator) {
    case "lt":
      return stored < value;
    case "le":
      return stored <= value;
    case "gt":
      return stored > value;
    case "ge":
      return stored >= value;
    default:
      return stored === value;
  }
}

/**
 * The stored number a comparison reads: a per-event statistic's greatest for > and >=, its least for < and <=
 * (some event holds exactly when the extreme does).
 */
export function comparedStat(stat: DataStatName, operator: DataStatOperator): string {
  if (!PER_EVENT_STATS.has(stat)) return stat;
  return `${stat}${operator === "gt" || operator === "ge" ? "Max" : "Min"}`;
}

export const matchDataStat: MemoryTranslation<DataStat> = (query) => (run) => {
  const stream = run.streams?.[query.stream];
  if (!stream) return false;
  if (query.field === undefined) return holds(stream.events, query.operator, query.value);
  const stats = indexedFieldStats(run, query.stream, query.field);
  const stored = stats?.[comparedStat(query.stat, query.operator) as keyof typeof stats];
  return typeof stored === "number" && holds(stored, query.operator, query.value);
};
