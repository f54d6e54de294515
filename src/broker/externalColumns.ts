// Columns of external fields: datum ids filled through their Resources, and `STREAM:` fields as the
// StreamDatum uid covering each row or, filled, the rows their StreamResources hold. Read only when asked.
import type { DataKey } from "../documents/types.ts";
import { type Column, columnLength } from "../tables/Column.ts";
import { allocate, type DType, isTypedArray } from "../tables/DType.ts";
import { fromNested, isNDArray, type NDArray } from "../tables/NDArray.ts";
import { dtypeFromDataKey } from "../tables/numpyDtype.ts";
import { stack } from "../tables/stack.ts";
import { declaredShape } from "./dataKeys.ts";
import type { RunAssets } from "./RunAssets.ts";
import type { StreamRowIndex } from "./StreamRowIndex.ts";

function cell(column: Column, row: number): unknown {
  return isNDArray(column) ? undefined : (column as ArrayLike<unknown>)[row];
}

/** What an empty filled column looks like: [0, ...the declared shape]. */
function emptyRows(dataKey: DataKey | undefined): { dtype: DType; shape: number[] } {
  const dtype = (dataKey && dtypeFromDataKey(dataKey)) ?? "float64";
  return { dtype, shape: dataKey ? declaredShape(dataKey) : [] };
}

function asArray(value: unknown): NDArray {
  return isNDArray(value) ? value : fromNested(value);
}

/**
 * A column of datum ids, filled: each row's array stacked into [rows, ...]. Rows the events already carry
 * filled (`filled[k]` is the datum id, or the value is not an id at all) keep their payload.
 */
export async function fillDatumColumn(
  assets: RunAssets,
  ids: Column,
  filled: Column,
  dataKey: DataKey | undefined,
): Promise<NDArray> {
  const rows = columnLength(ids);
  const arrays: NDArray[] = new Array(rows);
  for (let row = 0; row < rows; row++) {
    const value = cell(ids, row);
    const alreadyFilled = typeof cell(filled, row) === "string" || typeof value !== "string";
    arrays[row] = alreadyFilled ? asArray(value) : await assets.readDatum(value as string, dataKey);
  }
  return stack(arrays, emptyRows(dataKey));
}

/**
 * A `STREAM:` field over rows of the given seq_nums: unfilled, the uid of the StreamDatum holding each row
 * (null where none does), as a datum id stands for its data; filled, the rows read from the resources.
 */
export async function streamColumn(
  assets: RunAssets,
  field: string,
  index: StreamRowIndex,
  seqNums: ArrayLike<number>,
  fill: boolean,
  dataKey: DataKey | undefined,
): Promise<Column> {
  const refs = index.locate(seqNums);
  if (!fill) return refs.map((ref) => ref?.slice.datum.uid ?? null);
  if (seqNums.length === 0) {
    const { dtype, shape } = emptyRows(dataKey);
    // The declared shape of a StreamResource key counts the row axis itself ([1, h, w]).
    return { shape: [0, ...shape.slice(1)], dtype, data: allocate(dtype, 0) };
  }
  const rows = await assets.readStreamRows(field, refs, seqNums, dataKey);
  return rows.shape.length === 1 && isTypedArray(rows.data) ? rows.data : rows;
}
