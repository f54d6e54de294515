// StreamResource `multipart/related;type=image/tiff`: a directory (`uri`) of one TIFF per index, named by
// `parameters.template` (`img_{:05d}.tif` or `img_%05d.tif`). Indices {start, stop} read files start..stop-1,
// stacked as [n, ...frame] (`join_method: "stack"`, the default) or joined on their first axis ("concat").
import { posix } from "node:path";
import { UnsupportedError } from "../../errors.ts";
import { concatenate, stack } from "../../tables/stack.ts";
import type { StreamHandlerFactory } from "../Handler.ts";
import { stringArgument } from "../kwargs.ts";
import { formatIndexTemplate } from "../pythonFormat.ts";
import { readTiffFile } from "../tiffFormat.ts";

export const tiffSequenceStreamHandler: StreamHandlerFactory = (path, parameters) => {
  const template = stringArgument(parameters, "template", "parameters");
  const joinMethod = stringArgument(parameters, "join_method", "parameters", "stack");
  if (joinMethod !== "stack" && joinMethod !== "concat") {
    throw new UnsupportedError(`parameters.join_method "${joinMethod}" is not one of stack, concat`);
  }
  const chunkShape = Array.isArray(parameters.chunk_shape) ? (parameters.chunk_shape as number[]) : [];
  return {
    read({ start, stop }, files) {
      const frames = [];
      for (let index = start; index < stop; index++) {
        frames.push(readTiffFile(posix.join(path, formatIndexTemplate(template, index)), files));
      }
      if (frames.length === 0) return stack([], { dtype: "float64", shape: chunkShape.slice(1) }); // no file tells the dtype
      return joinMethod === "concat" ? concatenate(frames) : stack(frames);
    },
  };
};
