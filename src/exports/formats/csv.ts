// suitcase-csv: one CSV per stream, `<file_prefix><stream>.csv` (file_prefix `{uid}-` as suitcase's default),
// columns `time` (the event's time, suitcase's index column), the stream's scalar fields, then `seq_num`.
// Fields holding an array per event (images, spectra) are no CSV columns, as in suitcase-csv: a cell of JSON
// text per image would make files readers choke on and no spreadsheet can use; they are listed with their
// shapes in `<file_prefix>omitted-fields.txt`, so a reader sees what is missing and where to get it (tiff,
// hdf5). Rows are read and written a chunk at a time.
import type { RunLike, StreamLike } from "../../broker/BrokerLike.ts";
import { NotFoundError } from "../../errors.ts";
import { tableToCSV } from "../../tables/csv.ts";
import { Table } from "../../tables/Table.ts";
import type { FolderExportFormat, FolderSink } from "../ExportFormat.ts";
import { type ArrayField, describeArrayField, fieldShapes } from "./fieldShapes.ts";
import { filePrefix, filePrefixOption, namePart } from "./filePrefix.ts";

const ROWS_PER_CHUNK = 10_000;

async function writeStream(stream: StreamLike, fields: string[], folder: FolderSink, name: string) {
  await folder.file(name, async (sink) => {
    let header = true;
    // fill: a scalar field may be external (one number per datum); the array fields are not asked for.
    for await (const chunk of stream.chunks({ size: ROWS_PER_CHUNK, fields, fill: true })) {
      await sink.write(tableToCSV(chunk.select(["time", ...fields, "seq_num"]), { header }));
      header = false;
    }
    // A stream with no events still says which columns it has.
    if (header) {
      const columns = ["time", ...fields, "seq_num"].map((column) => [column, []]);
      await sink.write(tableToCSV(new Table(Object.fromEntries(columns), 0)));
    }
  });
}

function omittedNote(run: RunLike, omitted: Map<string, ArrayField[]>): string {
  const lines = [
    `Fields of run ${run.uid} holding an array per event are not CSV columns (export them as tiff or hdf5):`,
  ];
  for (const [stream, fields] of omitted)
    for (const field of fields) lines.push(`${stream}\t${describeArrayField(field)}`);
  return `${lines.join("\n")}\n`;
}

export const csvFormat: FolderExportFormat = {
  name: "csv",
  aliases: ["suitcase-csv"],
  summary: "one CSV file per stream of scalar fields (suitcase-csv); array fields are listed, not written",
  mediaType: "text/csv",
  carriesDocuments: false,
  layout: "folder",
  options: filePrefixOption("csv"),
  async write(run, folder, settings) {
    if (run.streamNames.length === 0)
      throw new NotFoundError(`run ${run.uid} has no event streams: nothing to export as CSV`);
    const prefix = filePrefix(run, settings, "csv");
    const omitted = new Map<string, ArrayField[]>();
    for (const streamName of run.streamNames) {
      const stream = run.stream(streamName);
      const { scalars, arrays } = fieldShapes(stream);
      if (arrays.length > 0) omitted.set(streamName, arrays);
      await writeStream(stream, scalars, folder, `${prefix}${namePart(streamName)}.csv`);
    }
    if (omitted.size > 0)
      await folder.file(`${prefix}omitted-fields.txt`, (sink) => sink.write(omittedNote(run, omitted)));
  },
};
