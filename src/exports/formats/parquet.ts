// parquet: one Parquet file per stream of a run (parquetFile.ts writes them, and says why with parquet-wasm).
import { batchSettings, columnarFormat } from "./columnarFormat.ts";

export const parquetFormat = columnarFormat(
  {
    name: "parquet",
    aliases: [],
    summary: "one Parquet file per stream (a row group per chunk), typed columns, units in the Arrow schema",
    mediaType: "application/vnd.apache.parquet",
    options: {
      ...batchSettings("parquet"),
      "parquet.compression": "snappy (default: every reader reads it), zstd (smaller), gzip or none",
    },
  },
  async () => (await import("./parquetFile.ts")).writeParquetFiles,
);
