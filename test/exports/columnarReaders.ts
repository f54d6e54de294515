// Readers of the arrow and parquet exports that share no code with their writers: Parquet files are read by
// hyparquet (pure JS; the writer is arrow-rs), Arrow IPC files by apache-arrow's file reader (footer and
// batches) and cross-checked by arrow-rs (parquet-wasm), which parses every message of the file's stream part.
// Each gives a stream's columns as plain JS values (bigint for 64-bit ints, nested arrays for lists).
import { readFileSync } from "node:fs";
import {
  type DataType,
  type FixedSizeList,
  type RecordBatch,
  RecordBatchFileReader,
  Type,
  tableFromIPC,
  Vector,
} from "apache-arrow";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import * as arrowRs from "parquet-wasm";

export interface ReadColumn {
  values: unknown[];
  /** The leaf type's name as the file says it (Arrow: `Float64`; Parquet: the physical type `DOUBLE`). */
  leaf: string;
  /** List levels above the leaf (2 for an image). */
  depth: number;
  /** Arrow field metadata (for Parquet: from the Arrow schema the file embeds). */
  metadata: Map<string, string>;
}

export interface ReadFile {
  columns: Map<string, ReadColumn>;
  rows: number;
  /** Record batches (Arrow) or row groups (Parquet). */
  parts: number;
  partRows: number[];
  schemaMetadata: Map<string, string>;
}

function plain(value: unknown): unknown {
  if (value instanceof Vector) return Array.from(value, plain);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, plain);
  return value ?? null;
}

function leafOf(type: DataType): { leaf: string; depth: number } {
  let depth = 0;
  while (type.typeId === Type.FixedSizeList) {
    type = (type as FixedSizeList).children[0].type;
    depth++;
  }
  return { leaf: String(type), depth };
}

/** An Arrow IPC file read by apache-arrow; arrow-rs must parse the same messages to the same rows. */
export function readArrowFile(path: string): ReadFile {
  const bytes = readFileSync(path);
  const table = tableFromIPC(bytes);
  // The batches the footer indexes (a file without any reads as a table of one empty batch).
  const reader = RecordBatchFileReader.from(bytes).open();
  const jsRows = Array.from(
    { length: reader.numRecordBatches },
    (_, i) => (reader.readRecordBatch(i) as RecordBatch | null)?.numRows,
  );
  // The file is `ARROW1` + 2 bytes of padding, then an IPC stream (ending in its end-of-stream marker).
  const rust = arrowRs.Table.fromIPCStream(bytes.subarray(8));
  const rustRows = rust.recordBatches().map((batch) => batch.numRows);
  if (rustRows.join() !== jsRows.join())
    throw new Error(`arrow-rs reads batches of ${rustRows} rows, apache-arrow of ${jsRows}`);
  const columns = new Map<string, ReadColumn>();
  table.schema.fields.forEach((field, i) => {
    const vector = table.getChildAt(i);
    const values = vector ? Array.from({ length: table.numRows }, (_, row) => plain(vector.get(row))) : [];
    columns.set(field.name, { values, ...leafOf(field.type), metadata: field.metadata });
  });
  return {
    columns,
    rows: table.numRows,
    parts: jsRows.length,
    partRows: jsRows as number[],
    schemaMetadata: table.schema.metadata,
  };
}

/** The Arrow schema arrow-rs embeds in a Parquet file (`ARROW:schema`: an IPC schema message, base64). */
function embeddedArrowSchema(base64: string | undefined) {
  if (base64 === undefined) throw new Error("the Parquet file embeds no Arrow schema");
  return tableFromIPC(Buffer.from(base64, "base64")).schema;
}

/** A Parquet file read by hyparquet. */
export async function readParquetFile(path: string): Promise<ReadFile> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  const keyValues = new Map((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? ""]));
  const arrowSchema = embeddedArrowSchema(keyValues.get("ARROW:schema"));
  const rows = Number(metadata.num_rows);
  const records = rows > 0 ? await parquetReadObjects({ file }) : [];
  const columns = new Map<string, ReadColumn>();
  for (const child of parquetSchema(metadata).children) {
    let node = child;
    let depth = 0;
    // A list is `name (LIST) > list (repeated) > item`: two schema levels per list level.
    while (node.children.length > 0) {
      if (node.element.converted_type === "LIST") depth++;
      node = node.children[0];
    }
    const name = child.element.name;
    columns.set(name, {
      values: records.map((record) => plain(record[name])),
      leaf: String(node.element.type),
      depth,
      metadata: arrowSchema.fields.find((field) => field.name === name)?.metadata ?? new Map(),
    });
  }
  return {
    columns,
    rows,
    parts: metadata.row_groups.length,
    partRows: metadata.row_groups.map((group) => Number(group.num_rows)),
    schemaMetadata: arrowSchema.metadata,
  };
}

/** Each column chunk of a Parquet file as its metadata says (no page is decompressed). */
export function parquetColumnChunks(
  path: string,
): Array<{ column: string; codec: string; encodings: string[] }> {
  const bytes = readFileSync(path);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return metadata.row_groups.flatMap((group) =>
    group.columns.map((chunk) => ({
      column: chunk.meta_data?.path_in_schema.join(".") ?? "",
      codec: String(chunk.meta_data?.codec),
      encodings: (chunk.meta_data?.encodings ?? []).map(String),
    })),
  );
}
