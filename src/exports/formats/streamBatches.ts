// One stream of a run as Arrow record batches of one schema, read chunk by chunk (memory: about one chunk),
// for the columnar export formats (arrow, parquet). Columns are typed as src/tables/arrow.ts types a Table;
// each field carries its data key (units, source, shape...) as Arrow field metadata.
import {
  Bool,
  type Data,
  type DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  util,
  vectorFromArray,
} from "apache-arrow";
import type { RunLike, StreamLike } from "../../broker/BrokerLike.ts";
import type { DataKey } from "../../documents/types.ts";
import { DatabrokerError, ValidationError } from "../../errors.ts";
import { tableToArrow } from "../../tables/arrow.ts";
import type { Table } from "../../tables/Table.ts";
import type { ExportSettings, FileSink, FolderSink } from "../ExportFormat.ts";

/** What a columnar export reads from `<format>.rows` and `<format>.fill`. */
export interface BatchOptions {
  /** Rows per record batch / row group; default: about CHUNK_BYTES of values per chunk. */
  rows?: number;
  /** Fill external fields (default); `false` writes their datum ids instead. */
  fill: boolean;
}

export interface StreamBatches {
  schema: Schema;
  /** Rows per batch (every batch but the last holds this many). */
  rows: number;
  batches: AsyncGenerator<RecordBatch>;
}

/** A chunk's values, unless `<format>.rows` says otherwise: big enough to compress well, small enough. */
const CHUNK_BYTES = 32 * 1024 * 1024;
const MAX_CHUNK_ROWS = 65_536;

/** The data key entries written as field metadata (strings; shape, dims and the like as JSON). */
const METADATA_KEYS = ["units", "source", "dtype", "dtype_numpy", "shape", "dims", "external", "precision"];

function batchOptions(format: string, settings: ExportSettings): BatchOptions {
  const rowsText = settings.options[`${format}.rows`];
  const fillText = settings.options[`${format}.fill`] ?? "true";
  if (fillText !== "true" && fillText !== "false")
    throw new ValidationError(`${format}.fill is true or false, got ${JSON.stringify(fillText)}`);
  if (rowsText === undefined) return { fill: fillText === "true" };
  const rows = Number(rowsText);
  if (!Number.isInteger(rows) || rows < 1)
    throw new ValidationError(
      `${format}.rows is a whole number of rows, 1 or more; got ${JSON.stringify(rowsText)}`,
    );
  return { rows, fill: fillText === "true" };
}

/** Rows per chunk so that a chunk holds about CHUNK_BYTES (images: a few rows; scalars: MAX_CHUNK_ROWS). */
function defaultRows(dataKeys: Readonly<Record<string, DataKey>>): number {
  let rowBytes = 16; // seq_num and time
  for (const dataKey of Object.values(dataKeys)) {
    const elements = (dataKey.shape ?? []).reduce<number>((n, axis) => n * Math.max(axis ?? 1, 1), 1);
    rowBytes += elements * 8;
  }
  return Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.floor(CHUNK_BYTES / rowBytes)));
}

function fieldMetadata(dataKey: DataKey | undefined, typed: Map<string, string>): Map<string, string> {
  const metadata = new Map(typed);
  for (const key of METADATA_KEYS) {
    const value = dataKey?.[key];
    if (value === undefined || value === null) continue;
    metadata.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return metadata;
}

/**
 * The schema of every batch: the first chunk's column types; every field nullable (a later chunk may have
 * gaps the first had not) except seq_num and time, which every row has.
 */
function schemaOf(first: Schema, empty: boolean, run: RunLike, stream: StreamLike): Schema {
  const fields = first.fields.map(
    (field) =>
      new Field(
        field.name,
        empty ? emptyType(field.type, stream.dataKeys[field.name]) : field.type,
        field.name !== "seq_num" && field.name !== "time",
        fieldMetadata(stream.dataKeys[field.name], field.metadata),
      ),
  );
  return new Schema(
    fields,
    new Map([
      ["databroker:run_uid", run.uid],
      ["databroker:stream", stream.name],
    ]),
  );
}

/**
 * A column type read from no values: an empty column of strings or booleans is a plain `[]`, typed float64 by
 * inference, so the data key's dtype decides (numbers and arrays are typed from it already).
 */
function emptyType(type: DataType, dataKey: DataKey | undefined): DataType {
  if (!dataKey || (dataKey.shape ?? []).length > 0) return type;
  if (dataKey.dtype === "string") return new Utf8();
  if (dataKey.dtype === "boolean") return new Bool();
  return type;
}

/** A chunk's column as data of the schema's type: as is, or (all missing) as nulls of that type. */
function conform(data: Data, field: Field, stream: string, at: number): Data {
  if (util.compareTypes(data.type, field.type)) return data;
  if (data.nullCount === data.length)
    return vectorFromArray(new Array(data.length).fill(null), field.type).data[0];
  throw new ValidationError(
    `stream ${JSON.stringify(stream)}: field ${JSON.stringify(field.name)} reads as ${data.type} from row ${at} ` +
      `but as ${field.type} before; one file holds one type per column`,
  );
}

function batchOf(table: Table, schema: Schema, stream: string, at: number): RecordBatch {
  const arrow = tableToArrow(table);
  const children = schema.fields.map((field, i) => {
    const column = arrow.getChildAt(i);
    if (!column || arrow.schema.fields[i].name !== field.name)
      throw new ValidationError(`stream ${JSON.stringify(stream)}: its columns changed at row ${at}`);
    return conform(column.data[0], field, stream, at);
  });
  const data = makeData({ type: new Struct(schema.fields), length: table.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** A read that fails (an external file missing, a spec without handler) names the stream and the way out. */
function readFailure(error: unknown, format: string, stream: string): unknown {
  if (!(error instanceof DatabrokerError)) return error;
  return new DatabrokerError(
    error.code,
    `stream ${JSON.stringify(stream)}: ${error.message} (option ${format}.fill=false writes datum ids instead)`,
    { cause: error },
  );
}

/**
 * The stream's record batches. The first chunk is read here (it fixes the schema); a stream without events
 * gives the schema of its empty table (typed from the data keys) and no batches.
 */
export async function streamBatches(
  run: RunLike,
  name: string,
  format: string,
  options: BatchOptions,
): Promise<StreamBatches> {
  const stream = run.stream(name);
  const rows = options.rows ?? defaultRows(stream.dataKeys);
  const chunks = stream.chunks({ size: rows, fill: options.fill });
  const next = async () => {
    try {
      return await chunks.next();
    } catch (error) {
      throw readFailure(error, format, name);
    }
  };
  const first = await next();
  const firstTable = first.done ? await stream.read({ fill: options.fill }) : first.value;
  const schema = schemaOf(tableToArrow(firstTable).schema, first.done === true, run, stream);
  async function* batches(): AsyncGenerator<RecordBatch> {
    let at = 0;
    for (let chunk = first; !chunk.done; ) {
      yield batchOf(chunk.value, schema, name, at);
      at += chunk.value.length;
      chunk = await next();
    }
  }
  return { schema, rows, batches: batches() };
}

/** Each stream of the run as one file, `<stream>.<format>`, that `write` fills from the stream's batches. */
export async function writeStreamFiles(
  run: RunLike,
  folder: FolderSink,
  format: string,
  settings: ExportSettings,
  write: (stream: StreamBatches, sink: FileSink) => Promise<void>,
): Promise<void> {
  const options = batchOptions(format, settings);
  for (const name of run.streamNames) {
    const stream = await streamBatches(run, name, format, options);
    await folder.file(`${name}.${format}`, (sink) => write(stream, sink));
  }
}
