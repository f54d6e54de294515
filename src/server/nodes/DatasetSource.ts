// What an xarray_dataset node is made from: named variables (`time` first) that read as Table columns.
// Sources: a stream's data or timestamps, a device's configuration or its timestamps.
import type { DType } from "../../tables/DType.ts";
import type { Table } from "../../tables/Table.ts";
import type { TableSelection } from "./Node.ts";

export interface DatasetSource {
  /** Variable names, `time` first. */
  readonly variables: readonly string[];
  /** xarray attrs of a variable (a dict; the Python client requires one). */
  attrs(name: string): Record<string, unknown>;
  /** Declared names of a value's own axes (after `time`), when the documents give them. */
  declaredDims(name: string): readonly string[] | undefined;
  /** `time` and the named variables as a Table; external values filled unless `fill` is false. */
  table(names: readonly string[], selection: TableSelection): Promise<Table>;
  /** Whether reading a variable filled means reading external files (its structure is then sampled). */
  isExternal(name: string): boolean;
  /** The rows of an external variable's first seq_num, filled; undefined when none or they cannot be read. */
  firstRow?(name: string): Promise<Table | undefined>;
  /** A hint that every variable is about to be described (a listing): read them together. */
  willReadAll?(): void;
  /** What the documents declare of one value of a variable (used when no row can be read). */
  declared?(name: string): { shape: number[]; dtype: DType };
}
