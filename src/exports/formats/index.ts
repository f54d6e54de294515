// The built-in export formats, registered in the order users see them listed. Each lives in its own file.
import { registerExportFormat } from "../registry.ts";
import { arrowFormat } from "./arrow.ts";
import { nexus } from "./nexus.ts";
import { pack, packJsonl } from "./pack.ts";
import { parquetFormat } from "./parquet.ts";
import { publish } from "./publish.ts";
import { suitcaseJsonl, suitcaseMsgpack } from "./suitcase.ts";

for (const format of [
  nexus,
  suitcaseJsonl,
  suitcaseMsgpack,
  pack,
  packJsonl,
  publish,
  arrowFormat,
  parquetFormat,
])
  registerExportFormat(format);
