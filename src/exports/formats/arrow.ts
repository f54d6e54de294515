// arrow: one Arrow IPC *file* per stream (`<stream>.arrow`, what pyarrow.ipc.open_file, Feather v2 readers and
// apache-arrow read), written record batch by record batch as the stream is read: schema and magic first,
// then each chunk's batch, then the footer that indexes them; memory holds about one chunk.
import { RecordBatchFileWriter } from "apache-arrow";
import { ChunkList } from "../../tables/arrow.ts";
import type { FileSink, FolderExportFormat } from "../ExportFormat.ts";
import { batchOptions, type StreamBatches, streamBatches } from "./streamBatches.ts";

/** Hands what the writer produced so far to the sink (views of the chunk's arrays: written before the next). */
async function drain(pieces: ChunkList, sink: FileSink): Promise<void> {
  for (const piece of pieces.chunks.splice(0)) await sink.write(piece);
}

async function writeArrowFile(stream: StreamBatches, sink: FileSink): Promise<void> {
  const pieces = new ChunkList();
  const writer = new RecordBatchFileWriter();
  // Given the schema up front, the writer starts the file even when no batch follows (an empty stream).
  writer.reset(pieces, stream.schema);
  for await (const batch of stream.batches) {
    writer.write(batch);
    await drain(pieces, sink);
  }
  writer.finish();
  await drain(pieces, sink);
}

export const arrowFormat: FolderExportFormat = {
  name: "arrow",
  aliases: ["arrow-ipc", "feather"],
  summary: "one Arrow IPC file per stream, typed columns, units in the field metadata",
  mediaType: "application/vnd.apache.arrow.file",
  carriesDocuments: false,
  layout: "folder",
  async write(run, folder, settings) {
    const options = batchOptions("arrow", settings);
    for (const name of run.streamNames) {
      const stream = await streamBatches(run, name, "arrow", options);
      await folder.file(`${name}.arrow`, (sink) => writeArrowFile(stream, sink));
    }
  },
};
