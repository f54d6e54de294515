// External detector data: the handler registry (by Resource spec and StreamResource mimetype), the built-in
// handlers (NPY, area-detector HDF5 and TIFF, HDF5 and TIFF streams) and the AssetReader that fills datums.
export {
  AssetReader,
  type AssetReaderOptions,
  type DatumReference,
  type StreamDatumReference,
} from "./AssetReader.ts";
export { builtinHandlers } from "./builtinHandlers.ts";
export { ExternalFileError } from "./ExternalFileError.ts";
export { FileRoots } from "./FileRoots.ts";
export { FileAccess, RandomAccessFile } from "./fileAccess.ts";
export type {
  ResourceHandler,
  ResourceHandlerFactory,
  StreamHandler,
  StreamHandlerFactory,
  StreamIndices,
} from "./Handler.ts";
export { HandlerRegistry, normalizeMimetype } from "./HandlerRegistry.ts";
export { Hdf5Dataset, Hdf5File } from "./hdf5File.ts";
export {
  decodeNpy,
  encodeNpy,
  encodeNpyHeader,
  type NpyHeader,
  parseNpyHeader,
  readNpyFile,
} from "./npyFormat.ts";
export { type RootMap, remapPrefix, resourcePath, streamResourcePath } from "./paths.ts";
export { braceFormat, formatIndexTemplate, percentFormat } from "./pythonFormat.ts";
export { DEFAULT_MAX_READ_BYTES, ReadBudget } from "./ReadBudget.ts";
export { FILE_ROOT_RULE, resourcePathFindings } from "./resourcePathCheck.ts";
export { decodeTiff, readTiffFile } from "./tiffFormat.ts";
