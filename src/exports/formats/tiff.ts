// suitcase-tiff's tiff_stack: one multi-page TIFF per (stream, image field), `<file_prefix><stream>-<field>.tiff`
// (file_prefix `{uid}-` as suitcase's default), a page per frame in event order, the element type kept. A field
// is an image field when its events are declared 2-D (one frame each) or 3-D (several frames each, pages in
// order). Frames are read filled a chunk at a time, so memory stays at about one chunk whatever the run's size.
// A file reaching 4 GiB is written as BigTIFF (option `tiff.bigtiff=true` forces it). A run without any image
// field is an error: an empty folder would look like a successful export of nothing.
import type { RunLike, StreamLike } from "../../broker/BrokerLike.ts";
import { DatabrokerError, NotFoundError, UnsupportedError, ValidationError } from "../../errors.ts";
import { isTypedArray, type TypedArray } from "../../tables/DType.ts";
import { isNDArray, type NDArray } from "../../tables/NDArray.ts";
import type { Table } from "../../tables/Table.ts";
import type { ExportSettings, FolderExportFormat, FolderSink } from "../ExportFormat.ts";
import { isTiffDType, TiffWriter, tiffFileSize } from "../tiff/TiffWriter.ts";
import { type ArrayField, fieldShapes } from "./fieldShapes.ts";
import { filePrefix, filePrefixOption, namePart } from "./filePrefix.ts";

const CHUNK_BYTES = 64 * 1024 * 1024;
const CLASSIC_LIMIT = 2 ** 32;

function imageFields(stream: StreamLike): ArrayField[] {
  return fieldShapes(stream).arrays.filter((field) => field.shape.length === 2 || field.shape.length === 3);
}

/** The frames of one chunk's column: `[rows, y, x]` or `[rows, k, y, x]`, typed storage. */
function framesOf(column: unknown, where: string): NDArray & { data: TypedArray } {
  if (!isNDArray(column) || !isTypedArray(column.data) || !isTiffDType(column.dtype))
    throw new UnsupportedError(
      `${where}: the values are not numbers in arrays, so they cannot be TIFF pages`,
    );
  if (column.shape.length !== 3 && column.shape.length !== 4)
    throw new ValidationError(
      `${where}: an event holds an array of shape [${column.shape.slice(1).join(", ")}], not a 2-D or 3-D image (rule: image-shape)`,
    );
  return column as NDArray & { data: TypedArray };
}

/** Writes one field's frames as a TIFF stack; false when the stream has no events (no page to write). */
async function writeStack(
  run: RunLike,
  stream: StreamLike,
  field: ArrayField,
  folder: FolderSink,
  name: string,
  settings: ExportSettings,
): Promise<boolean> {
  const declared = field.shape.reduce<number>((size, n) => size * (n ?? 1), 1);
  const size = Math.max(1, Math.floor(CHUNK_BYTES / (8 * declared)));
  const chunks = stream.chunks({ size, fields: [field.name], fill: true });
  try {
    return await writeChunks(run, stream, field, chunks, folder, name, settings);
  } catch (error) {
    // A frame that cannot be read (a missing file, no handler) says which run, stream and field it is of.
    const where = `run ${run.uid}, stream ${stream.name}, field ${field.name}`;
    if (error instanceof DatabrokerError && !error.message.startsWith(where))
      error.message = `${where}: ${error.message}`;
    throw error;
  } finally {
    await chunks.return(undefined); // a failed write stops the reading too
  }
}

async function writeChunks(
  run: RunLike,
  stream: StreamLike,
  field: ArrayField,
  chunks: AsyncGenerator<Table>,
  folder: FolderSink,
  name: string,
  settings: ExportSettings,
): Promise<boolean> {
  const where = `run ${run.uid}, stream ${stream.name}, field ${field.name}`;
  const first = await chunks.next();
  if (first.done) return false;
  const head = framesOf(first.value.column(field.name), where);
  const [height, width] = head.shape.slice(-2);
  const perEvent = head.shape.length === 4 ? head.shape[1] : 1;
  const events = (await stream.timestamps()).length;
  const bigTiff =
    settings.options["tiff.bigtiff"] === "true" ||
    tiffFileSize(events * perEvent, { width, height, dtype: head.dtype }) >= CLASSIC_LIMIT;
  await folder.file(name, async (sink) => {
    const writer = new TiffWriter((bytes) => sink.write(bytes), { bigTiff });
    const pixels = width * height;
    for (let frames = head; ; ) {
      if (frames.shape.slice(1).join() !== head.shape.slice(1).join() || frames.dtype !== head.dtype)
        throw new ValidationError(
          `${where}: frames of shape [${frames.shape.slice(1).join(", ")}] ${frames.dtype} follow frames of [${head.shape.slice(1).join(", ")}] ${head.dtype}; one TIFF stack holds frames of one shape and type (rule: same-frames)`,
        );
      for (let at = 0; at < frames.data.length; at += pixels)
        await writer.add({
          width,
          height,
          pixels: frames.data.subarray(at, at + pixels),
          dtype: frames.dtype,
        });
      const next = await chunks.next();
      if (next.done) break;
      frames = framesOf(next.value.column(field.name), where);
    }
    await writer.finish();
  });
  return true;
}

export const tiffFormat: FolderExportFormat = {
  name: "tiff",
  aliases: ["tiff_stack", "suitcase-tiff", "tif"],
  summary: "one multi-page TIFF per image field of each stream (suitcase-tiff stack), dtype kept",
  mediaType: "image/tiff",
  carriesDocuments: false,
  layout: "folder",
  options: {
    ...filePrefixOption("tiff"),
    "tiff.bigtiff": "true: write BigTIFF whatever the size (default: only for files reaching 4 GiB)",
  },
  async write(run, folder, settings) {
    const prefix = filePrefix(run, settings, "tiff");
    let written = 0;
    for (const streamName of run.streamNames) {
      const stream = run.stream(streamName);
      for (const field of imageFields(stream)) {
        const name = `${prefix}${namePart(streamName)}-${namePart(field.name)}.tiff`;
        if (await writeStack(run, stream, field, folder, name, settings)) written++;
      }
    }
    if (written === 0)
      throw new NotFoundError(
        `run ${run.uid} has no image field with events (2-D or 3-D per event) in any stream: nothing to export as TIFF`,
      );
  },
};
