// Handlers for TIFF files: `AD_TIFF` (one file per frame, named by the `%` template applied to
// (directory + "/", filename, frame number)) and `SINGLE_TIFF` (the resource file is the array).
import type { NDArray } from "../../tables/NDArray.ts";
import { stack } from "../../tables/stack.ts";
import type { ResourceHandlerFactory } from "../Handler.ts";
import { countArgument, indexArgument, stringArgument } from "../kwargs.ts";
import { percentFormat } from "../pythonFormat.ts";
import { readTiffFile } from "../tiffFormat.ts";

/** Datum `point_number` reads frames [point_number·fpp, (point_number+1)·fpp); one frame is returned as is. */
export const areaDetectorTiffHandler: ResourceHandlerFactory = (path, resourceKwargs) => {
  const template = stringArgument(resourceKwargs, "template", "resource_kwargs");
  const filename = stringArgument(resourceKwargs, "filename", "resource_kwargs", "");
  const framesPerPoint = countArgument(resourceKwargs, "frame_per_point", "resource_kwargs", 1);
  // Python's os.path.join(fpath, ""): the directory with exactly one trailing separator.
  const directory = path.endsWith("/") ? path : `${path}/`;
  const fileOfFrame = (frame: number) => percentFormat(template, [directory, filename, frame]);
  return {
    read(datumKwargs, files) {
      const point = indexArgument(datumKwargs, "point_number", "datum_kwargs");
      const frames: NDArray[] = [];
      for (let frame = point * framesPerPoint; frame < (point + 1) * framesPerPoint; frame++) {
        frames.push(readTiffFile(fileOfFrame(frame), files));
      }
      return framesPerPoint === 1 ? frames[0] : stack(frames);
    },
  };
};

export const singleTiffHandler: ResourceHandlerFactory = (path) => ({
  read: (_datumKwargs, files) => readTiffFile(path, files),
});
