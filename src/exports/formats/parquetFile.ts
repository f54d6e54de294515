// The parquet format's files: one Parquet file per stream (`<stream>.parquet`), a row group per chunk read,
// written as the stream is read (memory: about one chunk). The writer is parquet-wasm (Apache arrow-rs in
// WebAssembly) rather than the pure-JS hyparquet-writer, though both are maintained and stream: it takes the
// Arrow batches src/tables/arrow.ts already makes (no second conversion), writes each Arrow type we produce
// (int64, nested fixed-size lists as LIST, nulls) as pyarrow does, embeds the Arrow schema (field metadata:
// units...) that pyarrow reads back, and has zstd built in (hyparquet-writer needs a compressor package for
// it). Speed is alike (100k x 10 floats: ~0.3-0.5 s either). Its cost: a 5 MB .wasm, loaded on first use.
import {
  Table as ArrowTable,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  Type,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import type { RunLike } from "../../broker/BrokerLike.ts";
import { UnsupportedError, ValidationError } from "../../errors.ts";
import type { ExportSettings, FileSink, FolderSink } from "../ExportFormat.ts";
import { type StreamBatches, writeStreamFiles } from "./streamBatches.ts";

type ParquetWasm = typeof import("parquet-wasm");

/** `parquet.compression`: snappy by default, as pyarrow writes and every reader (hyparquet too) reads. */
const CODECS = ["snappy", "zstd", "gzip", "none"] as const;
type Codec = (typeof CODECS)[number];

function codecOf(settings: ExportSettings): Codec {
  const codec = settings.options["parquet.compression"] ?? "snappy";
  if (!(CODECS as readonly string[]).includes(codec))
    throw new ValidationError(
      `parquet.compression is one of ${CODECS.join(", ")}; got ${JSON.stringify(codec)}`,
    );
  return codec as Codec;
}

function writerProperties(parquet: ParquetWasm, codec: Codec, stream: StreamBatches) {
  const compression = {
    snappy: parquet.Compression.SNAPPY,
    zstd: parquet.Compression.ZSTD,
    gzip: parquet.Compression.GZIP,
    none: parquet.Compression.UNCOMPRESSED,
  }[codec];
  // A row group is flushed when it holds `rows` rows: one per chunk read. Measured values rarely repeat, so
  // dictionaries are for strings only (on floats they cost 10x the time and made files larger), and min/max
  // statistics per row group only (what readers skip row groups by; per page they cost 2.5x the time).
  let builder = new parquet.WriterPropertiesBuilder()
    .setMaxRowGroupSize(stream.rows)
    .setCompression(compression)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setCreatedBy("databroker");
  for (const field of stream.schema.fields)
    if (field.type.typeId === Type.Utf8) builder = builder.setColumnDictionaryEnabled(field.name, true);
  return builder.build();
}

/** A batch of no rows: how the writer learns the schema of a stream without events. */
function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((field) => vectorFromArray([], field.type).data[0]);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
  );
}

async function writeParquetFile(
  parquet: ParquetWasm,
  stream: StreamBatches,
  sink: FileSink,
  codec: Codec,
): Promise<void> {
  let batches = 0;
  // The wasm side reports a failed pull as an opaque error: ours is kept to be thrown as it was.
  let failure: unknown;
  const source = new ReadableStream(
    {
      async pull(controller) {
        try {
          const next = await stream.batches.next();
          // An empty stream still gives the writer its schema: one batch of zero rows (file: no row group).
          if (next.done && batches > 0) return controller.close();
          const batch = next.done ? emptyBatch(stream.schema) : next.value;
          const ipc = tableToIPC(new ArrowTable(stream.schema, [batch]), "stream");
          for (const wasmBatch of parquet.Table.fromIPCStream(ipc).recordBatches())
            controller.enqueue(wasmBatch);
          if (next.done) controller.close();
          batches++;
        } catch (error) {
          failure = error;
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
  try {
    const bytes = await parquet.transformParquetStream(source, writerProperties(parquet, codec, stream));
    for await (const piece of bytes as AsyncIterable<Uint8Array>) await sink.write(piece);
  } catch (error) {
    if (failure !== undefined) throw failure;
    throw new UnsupportedError(`Parquet writer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Each stream of the run as `<stream>.parquet`. */
export async function writeParquetFiles(
  run: RunLike,
  folder: FolderSink,
  settings: ExportSettings,
): Promise<void> {
  const codec = codecOf(settings);
  const parquet = await import("parquet-wasm");
  await writeStreamFiles(run, folder, "parquet", settings, (stream, sink) =>
    writeParquetFile(parquet, stream, sink, codec),
  );
}
