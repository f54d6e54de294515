// Document file formats: their registry, detection, streaming readers, writers and databroker-pack directories.

export type {
  Detection,
  DocumentFileFormat,
  FormatWriter,
  LargeFileReader,
} from "./DocumentFileFormat.ts";
export {
  type BuiltInDocumentFormat,
  DOCUMENT_FORMATS,
  type DocumentFormat,
  type DocumentShape,
} from "./DocumentFormat.ts";
export { detectFormat } from "./detectFormat.ts";
export { documentEncoder, encodeDocuments } from "./documentEncoder.ts";
export { documentFilesOf } from "./documentFiles.ts";
export { type DocumentSerializer, documentSerializer } from "./documentSerializer.ts";
export { JsonLinesWorkerPool } from "./JsonLinesWorkerPool.ts";
export { stringifyJson } from "./jsonText.ts";
export {
  detectFileFormat,
  type ReadDocumentsOptions,
  readDocumentChunks,
  readDocumentFile,
  readDocuments,
} from "./readDocuments.ts";
export type { ParallelReadOptions } from "./readJsonLinesInParallel.ts";
export { isPackDirectory, type PackCatalog, readPack } from "./readPack.ts";
export {
  documentFormatNamed,
  documentFormats,
  extensionOf,
  findDocumentFormat,
  registerDocumentFormat,
} from "./registry.ts";
export { writeDocuments } from "./writeDocuments.ts";
export { type RunDocuments, type WritePackOptions, writePack } from "./writePack.ts";
