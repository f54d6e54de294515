// What the columnar formats (arrow, parquet) share: a folder of one file per stream, values only, and a
// writer module loaded on first use (with apache-arrow, as every user of it loads it), so that registering
// the format costs nothing at start.
import type { FolderExportFormat } from "../ExportFormat.ts";

type Described = Pick<FolderExportFormat, "name" | "aliases" | "summary" | "mediaType">;

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
