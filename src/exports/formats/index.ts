// The built-in export formats, registered in the order users see them listed. Each lives in its own file.
import { registerExportFormat } from "../registry.ts";
import { arrowFormat } from "./arrow.ts";
import { csvFormat } from "./csv.ts";
import { nexus } from "./nexus.ts";
import { pack, packJsonl } from "./pack.ts";
import { parquetFormat } from "./parquet.ts";
import { publish } from "./publish.ts";
import { specFormat } from "./spec.ts";
import { suitcaseJsonl, suitcaseMsgpack } from "./suitcase.ts";
import { tiffFormat } from "./tiff.ts";

for (const format of [
  suitcaseJsonl,
  suitcaseMsgpack,
  pack,
  packJsonl,
  nexus,
  specFormat,
  csvFormat,
  tiffFormat,
  arrowFormat,
  parquetFormat,
  publish,
])
  registerExportFormat(format);
