// One field of a stream written into an HDF5 dataset chunk by chunk: numbers go into a dataset extended
// at each chunk (one frame per HDF5 chunk for images), so memory holds one chunk whatever the run's size.
// Strings and anything else are kept until the end: h5wasm cannot write a slice of variable-length strings.
import type { Dataset, Group } from "h5wasm/node";
import { ValidationError } from "../../errors.ts";
import type { Column } from "../../tables/Column.ts";
import { type DType, isBigInt, isFloat, type TypedArray, typedArrayClass } from "../../tables/DType.ts";
import { elementCount } from "../../tables/NDArray.ts";
import { type ColumnValues, columnValues, numbersAsValues } from "./columnValues.ts";

/** What a field is stored as: numbers of one dtype (bool as uint8), or text (strings, JSON). */
export type StoredKind = { kind: "numbers"; dtype: DType } | { kind: "text" };

const HDF5_DTYPES: Partial<Record<DType, string>> = {
  bool: "<B",
  int8: "<b",
  uint8: "<B",
  int16: "<h",
  uint16: "<H",
  int32: "<i",
  uint32: "<I",
  int64: "<q",
  uint64: "<Q",
  float32: "<f",
  float64: "<d",
};

/** Rows per HDF5 chunk of a scalar or 1-D field: about 64 KiB. */
const CHUNK_BYTES = 64 * 1024;

export type AttributeValue = string | number | string[] | number[];

export class FieldWriter {
  private numbers: { dtype: DType; rowShape: number[]; dataset: Dataset; rows: number } | undefined;
  private texts: unknown[] | undefined;

  /**
   * `where` names the field in errors (run, stream, field); `kind`, when known for the whole stream
   * beforehand, wins over what the first chunk holds (an int field with a gap later is float64 throughout).
   */
  constructor(
    private readonly group: Group,
    readonly name: string,
    private readonly where: string,
    private readonly kind?: StoredKind,
  ) {}

  /** The next rows; `last`: no rows follow (a single chunk is written contiguous when it is 0-D or 1-D). */
  append(column: Column, last: boolean): void {
    let values = columnValues(column);
    if (this.texts !== undefined || this.kind?.kind === "text") {
      this.texts ??= [];
      for (const value of values.kind === "numbers" ? numbersAsValues(values) : values.values)
        this.texts.push(value);
      return;
    }
    if (values.kind === "values") {
      if (this.numbers !== undefined)
        throw new ValidationError(
          `${this.where}: holds numbers in earlier events and other values later; NeXus needs one type per field`,
        );
      this.texts = [...values.values];
      return;
    }
    const dtype = this.numbers?.dtype ?? (this.kind?.kind === "numbers" ? this.kind.dtype : values.dtype);
    if (values.dtype !== dtype) values = converted(values, dtype, this.where);
    if (this.numbers === undefined) this.create(values, last);
    else this.extend(values);
  }

  private create(values: Extract<ColumnValues, { kind: "numbers" }>, last: boolean): void {
    const { rowShape, dtype } = values;
    const contiguous = last && rowShape.length < 2;
    const rowElements = elementCount(rowShape);
    const rowBytes = rowElements * (typedArrayClass(dtype)?.BYTES_PER_ELEMENT ?? 8);
    // Frames (2-D and up) are chunked one frame each; smaller rows by about 64 KiB.
    const chunkRows = rowShape.length >= 2 ? 1 : Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, rowBytes)));
    const dataset = this.group.create_dataset({
      name: this.name,
      data: values.data,
      shape: [values.rows, ...rowShape],
      dtype: HDF5_DTYPES[dtype],
      ...(contiguous
        ? {}
        : {
            maxshape: [null, ...rowShape],
            chunks: [chunkRows, ...rowShape.map((n) => Math.max(1, n))],
          }),
    });
    this.numbers = { dtype, rowShape, dataset, rows: values.rows };
  }

  private extend(values: Extract<ColumnValues, { kind: "numbers" }>): void {
    const numbers = this.numbers!;
    if (!sameShape(values.rowShape, numbers.rowShape))
      throw new ValidationError(
        `${this.where}: values of shape [${values.rowShape}] after [${numbers.rowShape}] in earlier events; ` +
          "a NeXus dataset holds values of one shape",
      );
    if (values.rows === 0) return;
    const from = numbers.rows;
    numbers.rows += values.rows;
    numbers.dataset.resize([numbers.rows, ...numbers.rowShape]);
    numbers.dataset.write_slice([[from, numbers.rows]], values.data);
  }

  /**
   * Writes what was kept and returns the dataset; a field without rows gets an empty dataset of
   * `emptyShape` per row. Text is variable-length UTF-8; anything but strings is JSON (attr json=1).
   */
  finish(emptyShape: number[], emptyDType: DType | undefined): Dataset {
    if (this.numbers) return this.numbers.dataset;
    if (this.texts !== undefined && this.texts.length > 0) {
      const strings = this.texts.every((value) => typeof value === "string" || value === null);
      const data = this.texts.map((value) =>
        strings ? ((value as string | null) ?? "") : JSON.stringify(value, jsonReplacer),
      );
      this.texts = undefined;
      const dataset = this.group.create_dataset({ name: this.name, data, dtype: "S" });
      if (!strings) dataset.create_attribute("json", 1);
      return dataset;
    }
    if (emptyDType === "string" && emptyShape.length === 0)
      return this.group.create_dataset({ name: this.name, data: [] as string[], shape: [0], dtype: "S" });
    const dtype = emptyDType && HDF5_DTYPES[emptyDType] ? emptyDType : "float64";
    return this.group.create_dataset({
      name: this.name,
      data: new (typedArrayClass(dtype)!)(0),
      shape: [0, ...emptyShape],
      dtype: HDF5_DTYPES[dtype],
    });
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** JSON of event values: bigints as numbers, NaN as null (what JSON has). */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

/** `values` in `dtype` (a later chunk of another numeric type: the field keeps its first type). */
function converted(
  values: Extract<ColumnValues, { kind: "numbers" }>,
  dtype: DType,
  where: string,
): Extract<ColumnValues, { kind: "numbers" }> {
  const Class = typedArrayClass(dtype)!;
  const out = new Class(values.data.length) as TypedArray;
  const target = out as unknown as { [i: number]: number | bigint };
  const source = values.data as unknown as ArrayLike<number | bigint>;
  for (let i = 0; i < source.length; i++) {
    const value = Number(source[i]);
    if (!isFloat(dtype) && !Number.isFinite(value))
      throw new ValidationError(
        `${where}: ${values.dtype} values after ${dtype} ones in earlier events, ${value} among them; ` +
          "a NeXus dataset holds one type",
      );
    target[i] = isBigInt(dtype) ? BigInt(Math.trunc(value)) : value;
  }
  return { ...values, dtype, data: out };
}
