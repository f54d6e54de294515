// StreamResource `application/x-hdf5`: `parameters.dataset` inside the file at `uri`; a StreamDatum's
// indices {start, stop} select rows [start, stop) of that dataset, and only those rows are read.
import type { StreamHandlerFactory } from "../Handler.ts";
import { Hdf5File } from "../hdf5File.ts";
import { stringArgument } from "../kwargs.ts";

export const hdf5StreamHandler: StreamHandlerFactory = async (path, parameters, _resource, files) => {
  const name = stringArgument(parameters, "dataset", "parameters");
  const file = await Hdf5File.open(path, { swmr: parameters.swmr === true }, files);
  try {
    const dataset = file.dataset(name);
    return {
      read: ({ start, stop }, reading) => dataset.readRows(start, stop, reading.budget),
      close: () => file.close(),
    };
  } catch (error) {
    file.close();
    throw error;
  }
};
