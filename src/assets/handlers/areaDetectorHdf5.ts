// Handlers for area-detector HDF5 files: `AD_HDF5` / `AD_HDF5_SWMR` (frames of `/entry/data/data`,
// `frame_per_point` frames per datum `point_number`) and the legacy `AD_HDF5_SWMR_STREAM`
// (datum `{dataset, frame}`: one row of a named dataset).
import type { NDArray } from "../../tables/NDArray.ts";
import type { ResourceHandlerFactory } from "../Handler.ts";
import { Hdf5File } from "../hdf5File.ts";
import { countArgument, indexArgument, stringArgument } from "../kwargs.ts";

const AREA_DETECTOR_DATASET = "/entry/data/data";

/** Drops the leading axis of a one-row block: a datum of one frame is that frame. */
function onlyRow(block: NDArray): NDArray {
  return { ...block, shape: block.shape.slice(1) };
}

/**
 * Datum `point_number` reads frames [point_number·fpp, (point_number+1)·fpp): shape [fpp, ...frame], or
 * the frame itself when fpp = 1 (databroker squeezes every unit axis; only the frame axis goes here, so
 * a frame keeps the shape its descriptor declares). A datum past the frames seen so far reopens the file to look for new ones.
 */
export function areaDetectorHdf5Handler(options: { swmr: boolean }): ResourceHandlerFactory {
  return async (path, resourceKwargs, _resource, files) => {
    const framesPerPoint = countArgument(resourceKwargs, "frame_per_point", "resource_kwargs", 1);
    const file = await Hdf5File.open(path, { swmr: options.swmr }, files);
    try {
      const dataset = file.dataset(AREA_DETECTOR_DATASET);
      return {
        read(datumKwargs, reading) {
          const point = indexArgument(datumKwargs, "point_number", "datum_kwargs");
          const block = dataset.readRows(
            point * framesPerPoint,
            (point + 1) * framesPerPoint,
            reading.budget,
          );
          return framesPerPoint === 1 ? onlyRow(block) : block;
        },
        close: () => file.close(),
      };
    } catch (error) {
      file.close();
      throw error;
    }
  };
}

/** Legacy streamed HDF5: datum `{dataset, frame}` is row `frame` of `dataset` (opened for SWMR when the file allows it). */
export const hdf5StreamDatumHandler: ResourceHandlerFactory = async (
  path,
  resourceKwargs,
  _resource,
  files,
) => {
  const file = await Hdf5File.open(path, { swmr: true }, files);
  return {
    read(datumKwargs, reading) {
      const name = stringArgument(datumKwargs, "dataset", "datum_kwargs", resourceKwargs.dataset as string);
      const frame = indexArgument(datumKwargs, "frame", "datum_kwargs");
      return onlyRow(file.dataset(name).readRows(frame, frame + 1, reading.budget));
    },
    close: () => file.close(),
  };
};
