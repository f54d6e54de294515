// Turns spans of column pages into Table columns: seq_num, time, and each field typed by its data key
// (typed arrays for numbers, NDArrays for arrays of numbers, plain arrays for strings and anything messy).
import type { DataKey } from "../documents/types.ts";
import type { ColumnRole, PageColumn } from "../storage/ColumnPage.ts";
import { columnValues } from "../storage/codec/columnCodec.ts";
import type { Column } from "../tables/Column.ts";
import { allocate, type DType, isNumeric, type TypedArray, typedArrayClass } from "../tables/DType.ts";
import { dtypeFromDataKey } from "../tables/numpyDtype.ts";
import { declaredShape } from "./dataKeys.ts";
import type { RowSpan } from "./seqOrderedSpans.ts";

type Piece =
  | { kind: "numbers"; rowShape: number[]; values: Float64Array; rows: number }
  | { kind: "values"; values: unknown[]; rows: number }
  | { kind: "missing"; rows: number };

const INTEGER_RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** `numbers` in the data key's numeric dtype, or undefined when a value would not survive the conversion. */
function asDType(numbers: Float64Array, dtype: DType): TypedArray | undefined {
  if (dtype === "float64") return numbers;
  if (dtype === "float32") return Float32Array.from(numbers);
  const range = INTEGER_RANGES[dtype];
  if (!range) return undefined;
  const [low, high] = range;
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i];
    if (!Number.isInteger(n) || n < low || n > high) return undefined;
  }
  if (dtype === "int64") return BigInt64Array.from(numbers, (n) => BigInt(n));
  if (dtype === "uint64") return BigUint64Array.from(numbers, (n) => BigInt(n));
  const Class = typedArrayClass(dtype)!;
  const out = new Class(numbers.length);
  out.set(numbers as never);
  return out;
}

function concatNumbers(pieces: Array<{ values: Float64Array }>, size: number): Float64Array {
  if (pieces.length === 1) return pieces[0].values;
  const out = new Float64Array(size);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece.values, at);
    at += piece.values.length;
  }
  return out;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The rows of a span of a stored column, as a piece. */
function pieceOf(column: PageColumn | undefined, from: number, to: number): Piece {
  const rows = to - from;
  if (!column) return { kind: "missing", rows };
  if (column.encoding === "values") return { kind: "values", values: column.values.slice(from, to), rows };
  const rowShape = column.shape.slice(1);
  let size = 1;
  for (const n of rowShape) size *= n;
  return { kind: "numbers", rowShape, values: column.values.subarray(from * size, to * size), rows };
}

function pieceValues(piece: Piece): unknown[] {
  if (piece.kind === "values") return piece.values;
  if (piece.kind === "missing") return new Array(piece.rows).fill(null);
  return columnValues({ encoding: "float64", shape: [piece.rows, ...piece.rowShape], values: piece.values });
}

/** Scalars that are all numbers or null: as float64 with NaN for null, else undefined. */
function numbersWithGaps(values: unknown[]): Float64Array | undefined {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "number") out[i] = value;
    else if (value === null || value === undefined) out[i] = Number.NaN;
    else return undefined;
  }
  return out;
}

/** A column of no rows, typed as the data key declares. */
function emptyColumn(dataKey: DataKey | undefined, role: ColumnRole): Column {
  if (role === "timestamps") return new Float64Array(0);
  if (role === "filled" || !dataKey) return [];
  const dtype = dtypeFromDataKey(dataKey) ?? (dataKey.dtype === "array" ? "float64" : undefined);
  if (!dtype || !isNumeric(dtype)) return [];
  const shape = declaredShape(dataKey);
  const data = allocate(dtype, 0) as TypedArray;
  return shape.length === 0 ? data : { shape: [0, ...shape], dtype, data };
}

/** Collects spans (in order) and builds the columns of their rows. */
export class SpanColumns {
  private readonly spans: RowSpan[] = [];
  private rows = 0;

  add(span: RowSpan): void {
    if (span.to > span.from) {
      this.spans.push(span);
      this.rows += span.to - span.from;
    }
  }

  get length(): number {
    return this.rows;
  }

  /** seq_num as int32 (as Tiled's tables hold it, in a JS-number array); float64 past int32's range. */
  seqNums(): Int32Array | Float64Array {
    const numbers = this.concatRows((span) => span.page.seq_num);
    return (asDType(numbers, "int32") as Int32Array | undefined) ?? numbers;
  }

  times(): Float64Array {
    return this.concatRows((span) => span.page.time);
  }

  /** Whether any of the rows carries `field` (a `STREAM:` key, say, is in no event). */
  has(field: string, role: ColumnRole): boolean {
    return this.spans.some((span) => span.page[role][field] !== undefined);
  }

  /**
   * One field's column. Data is typed by the data key's dtype when every value fits it; values that do not
   * (strings in a number field, ragged arrays, gaps) keep their stored form rather than being refused.
   */
  column(field: string, role: ColumnRole, dataKey: DataKey | undefined): Column {
    if (this.rows === 0) return emptyColumn(dataKey, role);
    const pieces = this.spans.map((span) => pieceOf(span.page[role][field], span.from, span.to));
    const first = pieces[0];
    const numeric =
      first.kind === "numbers" &&
      pieces.every((piece) => piece.kind === "numbers" && sameShape(piece.rowShape, first.rowShape));
    const target =
      role === "data" ? dataKey && dtypeFromDataKey(dataKey) : role === "timestamps" ? "float64" : undefined;
    if (numeric) {
      const numberPieces = pieces as Array<Extract<Piece, { kind: "numbers" }>>;
      const size = numberPieces.reduce((sum, piece) => sum + piece.values.length, 0);
      const numbers = concatNumbers(numberPieces, size);
      let data: TypedArray = numbers;
      let dtype: DType = "float64";
      if (target && target !== "float64") {
        const converted = asDType(numbers, target);
        if (converted) [data, dtype] = [converted, target];
      }
      return first.rowShape.length === 0 ? data : { shape: [this.rows, ...first.rowShape], dtype, data };
    }
    const values = pieces.flatMap(pieceValues);
    if (target && isNumeric(target)) {
      const withGaps = numbersWithGaps(values);
      if (withGaps) return asDType(withGaps, target) ?? withGaps;
    }
    return values;
  }

  private concatRows(pick: (span: RowSpan) => Float64Array): Float64Array {
    const parts = this.spans.map((span) => ({ values: pick(span).subarray(span.from, span.to) }));
    return concatNumbers(parts, this.rows);
  }
}
