// The dataRange kind: the range of numbers a stream's field covered, against an interval (search into data):
// `primary.theta within [0, 5]` (it stayed in [0, 5]: min >= 0 and max <= 5) and
// `primary.theta overlaps [0, 5]` (its range [min, max] meets [0, 5]).
import { dataPath, indexedFieldStats, nameProblem } from "../dataKey.ts";
import { finding, number, oneOf } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

export type RangeRelation = "within" | "overlaps";

/** The range [min, max] of `field`'s numbers in the run's stream `stream` lies within or overlaps [low, high]. */
export interface DataRange {
  op: "dataRange";
  stream: string;
  field: string;
  relation: RangeRelation;
  low: number;
  high: number;
}

export const dataRangeQuery = (
  stream: string,
  field: string,
  relation: RangeRelation,
  low: number,
  high: number,
): DataRange => ({ op: "dataRange", stream, field, relation, low, high });

const name = { check: nameProblem };

export const dataRangeKind: QueryKind<DataRange> = {
  op: "dataRange",
  fields: {
    stream: name,
    field: name,
    relation: oneOf(["within", "overlaps"]),
    low: number(),
    high: number(),
  },
  crossCheck: (query, path, findings) => {
    if (query.low > query.high)
      findings.push(finding(`${path}.high`, "range", `the interval [${query.low}, ${query.high}] is empty`));
  },
  format: (query) =>
    `${dataPath(query.stream, query.field)} ${query.relation} ${JSON.stringify([query.low, query.high])}`,
  language: {
    operators: {
      names: ["within", "overlaps"],
      read: (condition) => {
        const segments = condition.key.split(".");
        if (segments.length !== 2)
          throw condition.error(
            condition.next(),
            `${condition.operator} takes a stream's field, written <stream>.<field> (e.g. primary.theta)`,
          );
        const interval = condition.list();
        if (interval.length !== 2 || !interval.every((end) => typeof end === "number"))
          throw condition.error(
            condition.next(),
            `${condition.operator} takes an interval of two numbers [low, high]`,
          );
        const [low, high] = interval as number[];
        return dataRangeQuery(segments[0], segments[1], condition.operator as RangeRelation, low, high);
      },
    },
  },
  tiled: {
    name: "datarange",
    encode: (query) => ({
      stream: query.stream,
      field: query.field,
      relation: query.relation,
      low: JSON.stringify(query.low),
      high: JSON.stringify(query.high),
    }),
    decode: (reader) =>
      dataRangeQuery(
        reader.raw("stream") ?? "",
        reader.raw("field") ?? "",
        reader.raw("relation") as RangeRelation,
        reader.json("low") as number,
        reader.json("high") as number,
      ),
  },
};

export const matchDataRange: MemoryTranslation<DataRange> = (query) => (run) => {
  const stats = indexedFieldStats(run, query.stream, query.field);
  if (!stats || stats.min === null || stats.max === null) return false;
  return query.relation === "within"
    ? stats.min >= query.low && stats.max <= query.high
    : stats.min <= query.high && stats.max >= query.low;
};
