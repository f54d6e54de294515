// arrow: one Arrow IPC file per stream of a run (arrowFile.ts writes them).
import { batchSettings, columnarFormat } from "./columnarFormat.ts";

export const arrowFormat = columnarFormat(
  {
    name: "arrow",
    aliases: ["arrow-ipc", "feather"],
    summary: "one Arrow IPC file per stream, typed columns, units in the field metadata",
    mediaType: "application/vnd.apache.arrow.file",
    options: batchSettings("arrow"),
  },
  async () => (await import("./arrowFile.ts")).writeArrowFiles,
);
