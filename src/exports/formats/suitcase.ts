// suitcase-jsonl and suitcase-msgpack: a run's documents in one file, as the Python suitcases write them
// (float fields as floats even when whole, msgpack-numpy arrays); what `databroker ingest` reads back.
import { encodeDocuments } from "../../documents/formats/documentEncoder.ts";
import { documentFormatNamed } from "../../documents/formats/registry.ts";
import type { FileExportFormat } from "../ExportFormat.ts";

function documentsFormat(name: "jsonl" | "msgpack", summary: string): FileExportFormat {
  const format = documentFormatNamed(name);
  return {
    name,
    aliases: name === "jsonl" ? ["suitcase-jsonl", "ndjson"] : ["suitcase-msgpack", "mpk"],
    summary,
    mediaType: format.mediaTypes[0] ?? "application/octet-stream",
    carriesDocuments: true,
    layout: "file",
    extension: format.extensions[0],
    async write(run, sink) {
      for await (const bytes of encodeDocuments(run.documents(), name)) await sink.write(bytes);
    },
  };
}

export const suitcaseJsonl = documentsFormat("jsonl", "the run's documents as JSON Lines (suitcase-jsonl)");
export const suitcaseMsgpack = documentsFormat(
  "msgpack",
  "the run's documents as msgpack (suitcase-msgpack)",
);
