// What an external-file handler is: created once per (Stream)Resource by a factory, then asked for the
// array behind each datum. Factories receive the resolved local path, like databroker's `cls(path, **kwargs)`.
import type { Resource, StreamResource } from "../documents/types.ts";
import type { NDArray } from "../tables/NDArray.ts";

/** Reads the array of one Datum from its `datum_kwargs` (e.g. `{point_number: 3}`). */
export interface ResourceHandler {
  read(datumKwargs: Readonly<Record<string, unknown>>): NDArray | Promise<NDArray>;
  close?(): void | Promise<void>;
}

/** Creates the handler of a Resource: `path` is `root_map`-resolved `root` + `resource_path`. */
export type ResourceHandlerFactory = (
  path: string,
  resourceKwargs: Readonly<Record<string, unknown>>,
  resource: Resource,
) => ResourceHandler | Promise<ResourceHandler>;

/** Rows [start, stop) of a StreamResource, as a StreamDatum's `indices` select them. */
export interface StreamIndices {
  start: number;
  stop: number;
}

/** Reads the rows a StreamDatum points at: an array of shape [stop - start, ...]. */
export interface StreamHandler {
  read(indices: StreamIndices): NDArray | Promise<NDArray>;
  close?(): void | Promise<void>;
}

/** Creates the handler of a StreamResource: `path` is its `uri` as a local path (a directory ends in `/`). */
export type StreamHandlerFactory = (
  path: string,
  parameters: Readonly<Record<string, unknown>>,
  resource: StreamResource,
) => StreamHandler | Promise<StreamHandler>;
