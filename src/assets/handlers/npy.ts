// Handlers for NPY files: spec `npy` (the resource file is the array) and `NPY_SEQ` (ophyd's
// NumpySeqHandler: the datum `{index}` names the file `<path>_<index>.npy`).
import type { ResourceHandlerFactory } from "../Handler.ts";
import { indexArgument } from "../kwargs.ts";
import { readNpyFile } from "../npyFormat.ts";

export const npyFileHandler: ResourceHandlerFactory = (path) => ({
  read: (_datumKwargs, files) => readNpyFile(path, files),
});

export const npySequenceHandler: ResourceHandlerFactory = (path) => ({
  read: (datumKwargs, files) =>
    readNpyFile(`${path}_${indexArgument(datumKwargs, "index", "datum_kwargs")}.npy`, files),
});
