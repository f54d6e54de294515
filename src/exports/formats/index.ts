// The built-in export formats, registered in the order users see them listed. Each lives in its own file.
import { registerExportFormat } from "../registry.ts";
import { csvFormat } from "./csv.ts";
import { specFormat } from "./spec.ts";
import { suitcaseJsonl, suitcaseMsgpack } from "./suitcase.ts";
import { tiffFormat } from "./tiff.ts";

for (const format of [suitcaseJsonl, suitcaseMsgpack, csvFormat, tiffFormat, specFormat])
  registerExportFormat(format);
