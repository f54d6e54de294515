// suitcase-jsonl and suitcase-msgpack: a run's documents in one file, as the Python suitcases write them
// (float fields as floats even when whole, msgpack-numpy arrays); what `databroker ingest` reads back.
import { encodeDocuments } from "../../documents/formats/documentEncoder.ts";
import { extensionOf } from "../../documents/formats/registry.ts";
import type { FileExportFormat } from "../ExportFormat.ts";

function documentsFormat(name: "jsonl" | "msgpack", mediaType: string, summary: string): FileExportFormat {
  return {
    name,
    aliases: name === "jsonl" ? ["suitcase-jsonl", "ndjson"] : ["suitcase-msgpack", "mpk"],
    summary,
    mediaType,
    carriesDocuments: true,
    layout: "file",
    extension: extensionOf(name),
    async write(run, sink) {
      for await (const bytes of encodeDocuments(run.documents(), name)) await sink.write(bytes);
    },
  };
}

export const suitcaseJsonl = documentsFormat(
  "jsonl",
  "application/x-ndjson",
  "the run's documents as JSON Lines (suitcase-jsonl)",
);
export const suitcaseMsgpack = documentsFormat(
  "msgpack",
  "application/x-msgpack",
  "the run's documents as msgpack (suitcase-msgpack)",
);
