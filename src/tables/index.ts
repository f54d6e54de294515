// Columnar values: DType, NDArray (shape + typed data) with slicing and stacking, and Table with its
// conversions to rows, CSV, Apache Arrow and JSON columns.

export {
  tableFromArrow,
  tableFromArrowIPC,
  tableToArrow,
  tableToArrowIPC,
} from "./arrow.ts";
export { type Column, cellValue, columnDType, columnLength, rowOf } from "./Column.ts";
export { tableToCSV } from "./csv.ts";
export * from "./DType.ts";
export { jsonSafe, tableToJSONColumns, tableToJSONText } from "./jsonColumns.ts";
export * from "./NDArray.ts";
export * from "./numpyDtype.ts";
export { parseSelectors, type Selector, type SliceSpec, slice } from "./slice.ts";
export { concatenate, stack } from "./stack.ts";
export { Table } from "./Table.ts";
export { transpose } from "./transpose.ts";
