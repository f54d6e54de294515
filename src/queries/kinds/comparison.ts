// The comparison kind: the value at a key is below or above a number or a string. Written with < <= > >=;
// Tiled's `comparison` filter.
import { compareCodePoints } from "../compareValues.ts";
import { keyField, oneOf } from "../fieldChecks.ts";
import { keyTest, type MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKey } from "../Query.ts";
import { tiledKey } from "../tiledFilter.ts";
import type { QueryKind } from "./QueryKind.ts";

export type ComparisonOperator = "lt" | "le" | "gt" | "ge";

/** The value at `key` compares to `value`: numbers with numbers, strings with strings (by code point). */
export interface Comparison {
  op: "comparison";
  key: QueryKey;
  operator: ComparisonOperator;
  value: number | string;
}

/** The language's symbols for each operator. */
export const COMPARISON_SYMBOLS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;
export const COMPARISON_OPERATORS: Record<string, ComparisonOperator> = {
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
};

export const comparisonQuery = (
  key: QueryKey,
  operator: ComparisonOperator,
  value: number | string,
): Comparison => ({
  op: "comparison",
  key,
  operator,
  value,
});

export const comparisonKind: QueryKind<Comparison> = {
  op: "comparison",
  fields: {
    key: keyField,
    operator: oneOf(["lt", "le", "gt", "ge"]),
    value: {
      check: (value) =>
        typeof value === "string" || (typeof value === "number" && Number.isFinite(value))
          ? undefined
          : { rule: "type", message: "a comparison needs a finite number or a string" },
    },
  },
  format: (query, text) =>
    `${text.comparedKey(query.key, query.value)} ${COMPARISON_SYMBOLS[query.operator]} ${text.value(query.value)}`,
  language: {
    operators: {
      names: Object.keys(COMPARISON_OPERATORS),
      read: (condition) =>
        comparisonQuery(condition.key, COMPARISON_OPERATORS[condition.operator], condition.value() as number),
    },
  },
  tiled: {
    name: "comparison",
    encode: (query) => ({
      operator: query.operator,
      key: tiledKey(query.key),
      value: JSON.stringify(query.value),
    }),
    decode: (reader) => ({
      op: "comparison",
      operator: reader.raw("operator") as ComparisonOperator,
      key: reader.key(),
      value: reader.json("value") as number,
    }),
  },
};

function compares(stored: unknown, operator: ComparisonOperator, value: number | string): boolean {
  if (typeof stored !== typeof value) return false;
  const order =
    typeof value === "number" ? (stored as number) - value : compareCodePoints(stored as string, value);
  if (Number.isNaN(order)) return false;
  switch (operator) {
    case "lt":
      return order < 0;
    case "le":
      return order <= 0;
    case "gt":
      return order > 0;
    default:
      return order >= 0;
  }
}

export const matchComparison: MemoryTranslation<Comparison> = (query) =>
  keyTest(query.key, (stored) => compares(stored, query.operator, query.value));
