// The handlers that come with the broker, registered under the specs and mimetypes that bluesky writes.

import { HandlerRegistry } from "./HandlerRegistry.ts";
import { areaDetectorHdf5Handler, hdf5StreamDatumHandler } from "./handlers/areaDetectorHdf5.ts";
import { areaDetectorTiffHandler, singleTiffHandler } from "./handlers/areaDetectorTiff.ts";
import { hdf5StreamHandler } from "./handlers/hdf5Stream.ts";
import { npyFileHandler, npySequenceHandler } from "./handlers/npy.ts";
import { tiffSequenceStreamHandler } from "./handlers/tiffSequenceStream.ts";

/** A fresh registry holding every built-in handler; register on it to add or override. */
export function builtinHandlers(): HandlerRegistry {
  return new HandlerRegistry()
    .registerHandler("npy", npyFileHandler)
    .registerHandler("NPY_SEQ", npySequenceHandler)
    .registerHandler("AD_HDF5", areaDetectorHdf5Handler({ swmr: false }))
    .registerHandler("AD_HDF5_SWMR", areaDetectorHdf5Handler({ swmr: true }))
    .registerHandler("AD_HDF5_SWMR_STREAM", hdf5StreamDatumHandler)
    .registerHandler("AD_TIFF", areaDetectorTiffHandler)
    .registerHandler("SINGLE_TIFF", singleTiffHandler)
    .registerStreamHandler("application/x-hdf5", hdf5StreamHandler)
    .registerStreamHandler("multipart/related;type=image/tiff", tiffSequenceStreamHandler);
}
