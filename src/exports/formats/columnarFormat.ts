// What the columnar formats (arrow, parquet) share: a folder of one file per stream, values only, and a
// writer module loaded on first use (with apache-arrow, as every user of it loads it), so that registering
// the format costs nothing at start.
import type { FolderExportFormat } from "../ExportFormat.ts";

type Described = Pick<FolderExportFormat, "name" | "aliases" | "summary" | "mediaType" | "options">;

/** The settings both read (streamBatches.ts), under the format's name. */
export function batchSettings(format: string): Record<string, string> {
  return {
    [`${format}.rows`]: "rows per record batch / row group (default: about 32 MB of values, at most 65536)",
    [`${format}.fill`]: "false: external fields as their datum ids, not filled (default true)",
  };
}

export function columnarFormat(
  described: Described,
  load: () => Promise<FolderExportFormat["write"]>,
): FolderExportFormat {
  return {
    ...described,
    carriesDocuments: false,
    layout: "folder",
    async write(run, folder, settings) {
      const write = await load();
      await write(run, folder, settings);
    },
  };
}
