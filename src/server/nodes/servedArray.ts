// A Table column as the NDArray the HTTP API serves: typed and per-row arrays as they are; plain values
// stacked when regular; strings with gaps as ""; anything JSON cannot type (mixed, ragged) as JSON text.
import type { Column } from "../../tables/Column.ts";
import { isTypedArray } from "../../tables/DType.ts";
import { fromNested, isNDArray, type NDArray, ndarray } from "../../tables/NDArray.ts";
import { stack } from "../../tables/stack.ts";

function asJsonText(values: ArrayLike<unknown>, shape: number[]): NDArray {
  const text = Array.from(values, (value) =>
    typeof value === "string" ? value : JSON.stringify(value ?? null),
  );
  return { shape, dtype: "string", data: text };
}

function regular(column: unknown[]): NDArray | undefined {
  try {
    if (column.length > 0 && column.every(isNDArray)) return stack(column as NDArray[]);
    return fromNested(column);
  } catch {
    return undefined; // ragged rows
  }
}

export function servedArray(column: Column, rows: number): NDArray {
  if (isTypedArray(column)) return ndarray(column, [rows]);
  const array = isNDArray(column) ? column : regular(column);
  if (array === undefined) return asJsonText(column as unknown[], [rows]);
  if (array.dtype === "object") return asJsonText(array.data, array.shape);
  if (array.dtype === "string") {
    const data = Array.from(array.data as unknown[], (value) =>
      value === null || value === undefined ? "" : value,
    );
    return { shape: array.shape, dtype: "string", data };
  }
  return array;
}
