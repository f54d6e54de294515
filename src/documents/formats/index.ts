// Document file formats: detection, streaming readers, writers and databroker-pack directories.
export { DOCUMENT_FORMATS, type DocumentFormat, extensionOf } from "./DocumentFormat.ts";
export { detectFormat } from "./detectFormat.ts";
export { detectFileFormat, readDocumentFile, readDocuments } from "./readDocuments.ts";
export { isPackDirectory, type PackCatalog, readPack } from "./readPack.ts";
