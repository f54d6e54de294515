// The arrow format's files: one Arrow IPC *file* per stream (`<stream>.arrow`, what pyarrow.ipc.open_file,
// Feather v2 readers and apache-arrow read), written record batch by record batch as the stream is read:
// magic and schema first, then each chunk's batch, then the footer that indexes them; memory: about a chunk.
import { Message, RecordBatchFileWriter, type Schema } from "apache-arrow";
import type { RunLike } from "../../broker/BrokerLike.ts";
import { ChunkList } from "../../tables/arrow.ts";
import type { ExportSettings, FileSink, FolderSink } from "../ExportFormat.ts";
import { type StreamBatches, writeStreamFiles } from "./streamBatches.ts";

/** Hands what the writer produced so far to the sink (views of the chunk's arrays: written before the next). */
async function drain(pieces: ChunkList, sink: FileSink): Promise<void> {
  for (const piece of pieces.chunks.splice(0)) await sink.write(piece);
}

/**
 * apache-arrow's file writer keeps the schema in the footer only; the format also opens the file's stream
 * part with it (as pyarrow writes), which readers of that part (arrow-rs' stream reader, `open_stream`) need.
 */
class ArrowFileWriter extends RecordBatchFileWriter {
  protected override _writeSchema(schema: Schema): this {
    return super._writeSchema(schema)._writeMessage(Message.from(schema));
  }
}

async function writeArrowFile(stream: StreamBatches, sink: FileSink): Promise<void> {
  const pieces = new ChunkList();
  const writer = new ArrowFileWriter();
  // Given the schema up front, the writer starts the file even when no batch follows (an empty stream).
  writer.reset(pieces, stream.schema);
  for await (const batch of stream.batches) {
    writer.write(batch);
    await drain(pieces, sink);
  }
  writer.finish();
  await drain(pieces, sink);
}

/** Each stream of the run as `<stream>.arrow`. */
export function writeArrowFiles(run: RunLike, folder: FolderSink, settings: ExportSettings): Promise<void> {
  return writeStreamFiles(run, folder, "arrow", settings, writeArrowFile);
}
