// Search into data as SQL, for both SQL adapters: each data query kind as a condition on the `stream_stats`
// row of one stream field (streamStatsSql.ts), and the runs having such a row. Values are bound through the
// adapter's own placeholders; only the shape's form differs (JSON text in SQLite, integer[] in PostgreSQL).
import type { DataRange } from "../queries/kinds/dataRange.ts";
import type { DataShape } from "../queries/kinds/dataShape.ts";
import type { DataStat } from "../queries/kinds/dataStat.ts";
import type { HasData } from "../queries/kinds/hasData.ts";
import { STREAM_STATS_INDEXED } from "./streamStatsSql.ts";

/** How an adapter binds a value: a name, a number, a shape. */
export interface StatsBinder {
  text(value: string): string;
  number(value: number): string;
  shape(value: number[]): string;
}

const SYMBOLS = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "=" } as const;

/** The column a comparison reads: per-event statistics their greatest for > and >=, their least for < and <=. */
function statColumn({ stat, operator }: DataStat): string {
  if (stat !== "sum" && stat !== "mean") return stat;
  return `${stat}_${operator === "gt" || operator === "ge" ? "max" : "min"}`;
}

export type DataQuery = DataStat | DataRange | DataShape | HasData;

/** The condition a data query sets on its stream field's `stream_stats` row (columns unqualified). */
export function statsRowCondition(query: DataQuery, bind: StatsBinder): string {
  // Bound in the order they appear: SQLite's placeholders are positional.
  const head = `stream = ${bind.text(query.stream)} AND field = ${bind.text(query.field ?? "")}`;
  switch (query.op) {
    case "dataStat":
      return `${head} AND ${statColumn(query)} ${SYMBOLS[query.operator]} ${bind.number(query.value)}`;
    case "dataRange":
      // Within [low, high], min and max both lie in it: said of min too, it bounds the min index's range.
      return query.relation === "within"
        ? `${head} AND min BETWEEN ${bind.number(query.low)} AND ${bind.number(query.high)} AND max <= ${bind.number(query.high)}`
        : `${head} AND min <= ${bind.number(query.high)} AND max >= ${bind.number(query.low)}`;
    case "dataShape":
      return `${head} AND shape = ${bind.shape(query.shape)}`;
    default:
      return head;
  }
}

/** Whether the row condition reads a range of one index of stream_stats, so a bounded probe can size it. */
export function readsIndexedRange(query: DataQuery): boolean {
  return query.op !== "dataStat" || STREAM_STATS_INDEXED.includes(statColumn(query));
}

/**
 * The runs having a row that meets `condition`: listed from stream_stats (when few rows do: their runs are
 * then looked up and sorted), or probed run by run through its primary key (when many do: a page of the
 * newest runs is found after a few probes).
 */
export function statsMembership(uid: string, condition: string, probedPerRun: boolean): string {
  return probedPerRun
    ? `EXISTS (SELECT 1 FROM stream_stats AS st WHERE st.run = ${uid} AND ${condition})`
    : `${uid} IN (SELECT run FROM stream_stats WHERE ${condition})`;
}

/** The check run before a search reading `stream`'s `field`: a row found means it is not indexed. */
export function unindexedCheck(bind: StatsBinder, stream: string, field: string): string {
  return `SELECT 1 FROM stream_stats WHERE stream = ${bind.text(stream)} AND field = ${bind.text(field)} AND indexed = 0 LIMIT 1`;
}
