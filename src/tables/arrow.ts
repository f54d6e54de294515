// Table <-> Apache Arrow. Numbers map to Int*/Uint*/Float*, booleans to Bool, strings to Utf8, per-row
// arrays of one shape to nested FixedSizeList (one level per row axis); anything else is Utf8 JSON text
// marked `databroker:dtype=object` in the field metadata so that it reads back as values.
import {
  Table as ArrowTable,
  AsyncByteQueue,
  Bool,
  type Data,
  type DataType,
  Field,
  FixedSizeList,
  type Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Type,
  tableFromIPC,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
} from "apache-arrow";
import { type Column, columnLength } from "./Column.ts";
import {
  type DType,
  fromValues,
  inferDType,
  isTypedArray,
  type TypedArray,
  typedArrayClass,
} from "./DType.ts";
import { jsonSafe } from "./jsonColumns.ts";
import { fromNested, isNDArray, type NDArray } from "./NDArray.ts";
import { Table } from "./Table.ts";

const DTYPE_KEY = "databroker:dtype";

function arrowType(dtype: DType): DataType {
  switch (dtype) {
    case "bool":
      return new Bool();
    case "int8":
      return new Int8();
    case "int16":
      return new Int16();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "uint8":
      return new Uint8();
    case "uint16":
      return new Uint16();
    case "uint32":
      return new Uint32();
    case "uint64":
      return new Uint64();
    case "float32":
      return new Float32();
    case "float64":
      return new Float64();
    default:
      return new Utf8();
  }
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined;
}

/** Arrow's validity bitmap (bit set = present), or undefined when nothing is missing. */
function validity(values: ArrayLike<unknown>): { nullBitmap?: Uint8Array; nullCount: number } {
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) if (isMissing(values[i])) nullCount++;
  if (nullCount === 0) return { nullCount };
  return { nullBitmap: packBits(values.length, (i) => !isMissing(values[i])), nullCount };
}

function packBits(length: number, bit: (i: number) => boolean): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bit(i)) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

function utf8Data(values: ArrayLike<unknown>, text: (value: unknown) => string): Data {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const valueOffsets = new Int32Array(values.length + 1);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    if (!isMissing(values[i])) {
      const bytes = encoder.encode(text(values[i]));
      parts.push(bytes);
      size += bytes.length;
    }
    valueOffsets[i + 1] = size;
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return makeData({ type: new Utf8(), length: values.length, valueOffsets, data, ...validity(values) });
}

/** Arrow data for flat values of one dtype (typed storage or plain values with nulls). */
function flatData(dtype: DType, values: TypedArray | unknown[]): Data {
  const length = values.length;
  if (dtype === "bool") {
    return makeData({
      type: new Bool(),
      length,
      data: packBits(length, (i) => Boolean(values[i])),
      ...validity(values),
    });
  }
  if (dtype === "string") return utf8Data(values, String);
  if (dtype === "object") return utf8Data(values, (value) => JSON.stringify(jsonSafe(value)));
  const data = isTypedArray(values) ? values : (fromValues(dtype, values) as TypedArray);
  const nulls = isTypedArray(values) ? { nullCount: 0 } : validity(values);
  return makeData({ type: arrowType(dtype) as Int32, length, data: data as Int32Array, ...nulls });
}

/** Nested FixedSizeList data for an NDArray column of shape [rows, ...rowShape]. */
function ndarrayData(array: NDArray): Data {
  let data = flatData(array.dtype, array.data);
  for (let axis = array.shape.length - 1; axis >= 1; axis--) {
    const listSize = array.shape[axis];
    const type = new FixedSizeList(listSize, new Field("item", data.type, data.nullCount > 0));
    const length = array.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    data = makeData({ type, length, nullCount: 0, child: data });
  }
  return data;
}

function columnData(column: Column): { data: Data; dtype: DType } {
  if (isNDArray(column)) {
    const rows = column.shape.length === 0 ? { ...column, shape: [1] } : column;
    return { data: ndarrayData(rows), dtype: column.dtype };
  }
  if (isTypedArray(column))
    return { data: flatData(inferDType([column]), column), dtype: inferDType([column]) };
  if (column.some((cell) => Array.isArray(cell) || isTypedArray(cell) || isNDArray(cell))) {
    // Lists in cells: a regular block becomes FixedSizeList, a ragged one stays JSON text.
    try {
      const array = fromNested(column.map((cell) => (isNDArray(cell) ? cell.data : cell)));
      if (array.dtype !== "object" && array.shape.length > 1)
        return { data: ndarrayData(array), dtype: array.dtype };
    } catch {
      // ragged: falls through to JSON text
    }
    return { data: flatData("object", column), dtype: "object" };
  }
  const dtype = inferDType(column);
  return { data: flatData(dtype, column), dtype };
}

/** Converts a Table to an Arrow table (column order kept). */
export function tableToArrow(table: Table): ArrowTable {
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const [name, column] of Object.entries(table.columns)) {
    const { data, dtype } = columnData(column);
    const metadata = dtype === "object" ? new Map([[DTYPE_KEY, "object"]]) : undefined;
    fields.push(new Field(name, data.type, data.nullCount > 0, metadata));
    children.push(data);
  }
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: table.length, nullCount: 0, children });
  return new ArrowTable(schema, fields.length ? [new RecordBatch(schema, struct)] : []);
}

/**
 * The writer's output kept as the pieces it writes: the column buffers themselves (views of the Table's typed
 * arrays) between small metadata pieces, so that nothing is copied into one large buffer.
 */
export class ChunkList extends AsyncByteQueue {
  readonly chunks: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }
}

/** Arrow IPC *file* bytes as consecutive pieces (zero-copy views of numeric columns), to send one by one. */
export function tableToArrowIPCChunks(table: Table): Uint8Array[] {
  const sink = new ChunkList();
  const writer = new RecordBatchFileWriter();
  writer.reset(sink);
  writer.writeAll(tableToArrow(table));
  return sink.chunks;
}

/** Arrow IPC *file* format bytes (magic `ARROW1`), readable by `tableFromIPC` and pyarrow. */
export function tableToArrowIPC(table: Table): Uint8Array {
  const chunks = tableToArrowIPCChunks(table);
  const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function dtypeOfArrow(type: DataType): DType {
  switch (type.typeId) {
    case Type.Bool:
      return "bool";
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int32;
      return `${isSigned ? "int" : "uint"}${bitWidth}` as DType;
    }
    case Type.Float:
      return (type as Float16).precision === 2 ? "float64" : "float32";
    case Type.Utf8:
    case Type.LargeUtf8:
      return "string";
    default:
      return "object";
  }
}

/** Leaf values of rows [start, start+count) of `data`, looking through FixedSizeList levels. */
function leafValues(data: Data, start: number, count: number): { values: unknown; shape: number[] } {
  if (data.type.typeId === Type.FixedSizeList) {
    const size = (data.type as FixedSizeList).listSize;
    const child = data.children[0];
    // Arrow slices a FixedSizeList's child along with it: row r starts at child element r * size.
    const inner = leafValues(child, start * size, count * size);
    return { values: inner.values, shape: [size, ...inner.shape] };
  }
  return {
    values: makeVector(data)
      .slice(start, start + count)
      .toArray(),
    shape: [],
  };
}

function vectorToColumn(vector: Vector, field: Field): Column {
  let type = vector.type as DataType;
  if (type.typeId === Type.FixedSizeList) {
    const rowShape: number[] = [];
    while (type.typeId === Type.FixedSizeList) {
      rowShape.push((type as FixedSizeList).listSize);
      type = (type as FixedSizeList).children[0].type;
    }
    const dtype = dtypeOfArrow(type);
    const parts = vector.data.map((chunk) => leafValues(chunk, 0, chunk.length).values as ArrayLike<unknown>);
    const flat = parts.flatMap((part) => Array.from(part));
    return { shape: [vector.length, ...rowShape], dtype, data: fromValues(dtype, flat) };
  }
  const dtype = dtypeOfArrow(type);
  if (field.metadata.get(DTYPE_KEY) === "object" && dtype === "string") {
    return Array.from(vector, (text) => (text === null ? null : JSON.parse(text as string)));
  }
  if (dtype === "bool" || dtype === "string" || dtype === "object" || vector.nullCount > 0) {
    return Array.from(vector, (value) => value ?? null);
  }
  const values = vector.toArray() as ArrayLike<unknown>;
  const Class = typedArrayClass(dtype);
  return (Class && values instanceof Class ? values : fromValues(dtype, values)) as TypedArray;
}

/** Reads an Arrow table back into a Table (our Column forms). */
export function tableFromArrow(arrowTable: ArrowTable): Table {
  const columns: Record<string, Column> = {};
  arrowTable.schema.fields.forEach((field, i) => {
    const vector = arrowTable.getChildAt(i);
    if (vector) columns[field.name] = vectorToColumn(vector, field);
  });
  const lengths = Object.values(columns).map(columnLength);
  return new Table(columns, lengths[0] ?? arrowTable.numRows);
}

/** Reads Arrow IPC bytes (file or stream format). */
export function tableFromArrowIPC(bytes: Uint8Array): Table {
  return tableFromArrow(tableFromIPC(bytes));
}
