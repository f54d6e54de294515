// Search into data as SQL, for both SQL adapters: each data query kind as a condition on the runs row, a
// range of one `stream_stats` index (streamStatsSql.ts) for one stream field. Values are bound through the
// adapter's own placeholders; only the shape's form differs (JSON text in SQLite, integer[] in PostgreSQL).
import type { DataRange } from "../queries/kinds/dataRange.ts";
import type { DataShape } from "../queries/kinds/dataShape.ts";
import type { DataStat } from "../queries/kinds/dataStat.ts";
import type { HasData } from "../queries/kinds/hasData.ts";

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

function rowsOf(
  uid: string,
  bind: StatsBinder,
  stream: string,
  field: string | undefined,
  condition: (bind: StatsBinder) => string | undefined,
): string {
  // Bound in the order they appear: SQLite's placeholders are positional.
  const head = `stream = ${bind.text(stream)} AND field = ${bind.text(field ?? "")}`;
  const more = condition(bind);
  return `${uid} IN (SELECT run FROM stream_stats WHERE ${head}${more ? ` AND ${more}` : ""})`;
}

export const dataConditions = {
  dataStat: (query: DataStat, uid: string, bind: StatsBinder) =>
    rowsOf(
      uid,
      bind,
      query.stream,
      query.field,
      (b) => `${statColumn(query)} ${SYMBOLS[query.operator]} ${b.number(query.value)}`,
    ),
  dataRange: (query: DataRange, uid: string, bind: StatsBinder) =>
    rowsOf(uid, bind, query.stream, query.field, (b) =>
      query.relation === "within"
        ? `min >= ${b.number(query.low)} AND max <= ${b.number(query.high)}`
        : `min <= ${b.number(query.high)} AND max >= ${b.number(query.low)}`,
    ),
  dataShape: (query: DataShape, uid: string, bind: StatsBinder) =>
    rowsOf(uid, bind, query.stream, query.field, (b) => `shape = ${b.shape(query.shape)}`),
  hasData: (query: HasData, uid: string, bind: StatsBinder) =>
    rowsOf(uid, bind, query.stream, query.field, () => undefined),
};

/** The check run before a search reading `stream`'s `field`: a row found means it is not indexed. */
export function unindexedCheck(bind: StatsBinder, stream: string, field: string): string {
  return `SELECT 1 FROM stream_stats WHERE stream = ${bind.text(stream)} AND field = ${bind.text(field)} AND indexed = 0 LIMIT 1`;
}
