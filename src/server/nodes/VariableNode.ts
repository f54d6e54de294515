// One variable of a dataset as an array node: `time` is the coordinate, the rest data variables. Its
// structure comes from the unfilled column, or for external data from the first row filled.
import { allocate } from "../../tables/DType.ts";
import type { NDArray } from "../../tables/NDArray.ts";
import { type ArrayStructure, arrayStructure, dataTypeOf, dimsFor } from "./arrayStructure.ts";
import type { DatasetSource } from "./DatasetSource.ts";
import type { ArrayNode, RowSelection, ServedArray, Spec } from "./Node.ts";
import { servedArray } from "./servedArray.ts";

export class VariableNode implements ArrayNode {
  readonly family = "array";
  readonly specs: Spec[];
  private described?: Promise<ArrayStructure>;

  constructor(
    readonly path: readonly string[],
    private readonly source: DatasetSource,
    private readonly name: string,
  ) {
    this.specs = [{ name: name === "time" ? "xarray_coord" : "xarray_data_var", version: null }];
  }

  metadata(): Record<string, unknown> {
    return { attrs: this.source.attrs(this.name) };
  }

  structure(): Promise<ArrayStructure> {
    this.described ??= this.describe();
    return this.described;
  }

  private async column(selection: RowSelection): Promise<NDArray> {
    const table = await this.source.table([this.name], selection);
    return servedArray(table.column(this.name), table.length);
  }

  private async describe(): Promise<ArrayStructure> {
    const unfilled = await this.column({ fill: false });
    if (!this.source.isExternal(this.name)) return this.structureOf(unfilled.shape, unfilled);
    const rows = unfilled.shape[0] ?? 0;
    // The broker's own filled rows of the first seq_num (two when two files share it) give each value's
    // shape; the data key's declared shape may differ (a leading 1 the files do not have).
    const first = await this.source.firstRow?.(this.name);
    if (first && first.length > 0) {
      const sample = servedArray(first.column(this.name), first.length);
      return this.structureOf([rows, ...sample.shape.slice(1)], sample);
    }
    const declared = this.source.declared?.(this.name) ?? { shape: [], dtype: "float64" as const };
    const empty: NDArray = { shape: [0], dtype: declared.dtype, data: allocate(declared.dtype, 0) };
    return this.structureOf([rows, ...declared.shape], empty);
  }

  private structureOf(shape: number[], sample: NDArray): ArrayStructure {
    return arrayStructure(shape, dataTypeOf(sample), dimsFor(shape, this.source.declaredDims(this.name)));
  }

  async read(selection: RowSelection = {}): Promise<ServedArray> {
    const structure = await this.structure();
    const array = await this.column(selection);
    // Strings keep the width the structure declared, so every slice decodes with the same dtype.
    const dataType =
      array.dtype === "string" && structure.data_type.kind === "U" ? structure.data_type : dataTypeOf(array);
    return { array, dataType };
  }
}
