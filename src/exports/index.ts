// Exports: every format runs are taken home in (formats/), the registry, and the driver that writes runs
// to a directory or a stream.
import "./formats/index.ts";

export type * from "./ExportFormat.ts";
export { type ExportOptions, type ExportSummary, exportRuns, exportToStream } from "./exportRuns.ts";
export { DEFAULT_NAME_TEMPLATE, nameTemplate } from "./nameTemplate.ts";
export { exportFormatNamed, exportFormats, findExportFormat, registerExportFormat } from "./registry.ts";
