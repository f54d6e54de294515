// What an external-file handler is: created once per (Stream)Resource by a factory, then asked for the
// array behind each datum. Factories receive the resolved local path, like databroker's `cls(path, **kwargs)`,
// and every file is opened through the FileAccess given (the catalog's file roots, the read's size budget).
import type { Resource, StreamResource } from "../documents/types.ts";
import type { NDArray } from "../tables/NDArray.ts";
import type { FileAccess } from "./fileAccess.ts";

/** Reads the array of one Datum from its `datum_kwargs` (e.g. `{point_number: 3}`). */
export interface ResourceHandler {
  /** `files`: where files may be opened from, and the budget of this read. */
  read(datumKwargs: Readonly<Record<string, unknown>>, files: FileAccess): NDArray | Promise<NDArray>;
  close?(): void | Promise<void>;
}

/** Creates the handler of a Resource: `path` is `root_map`-resolved `root` + `resource_path`. */
export type ResourceHandlerFactory = (
  path: string,
  resourceKwargs: Readonly<Record<string, unknown>>,
  resource: Resource,
  files: FileAccess,
) => ResourceHandler | Promise<ResourceHandler>;

/** Rows [start, stop) of a StreamResource, as a StreamDatum's `indices` select them. */
export interface StreamIndices {
  start: number;
  stop: number;
}

/** Reads the rows a StreamDatum points at: an array of shape [stop - start, ...]. */
export interface StreamHandler {
  /** `files`: where files may be opened from, and the budget of this read. */
  read(indices: StreamIndices, files: FileAccess): NDArray | Promise<NDArray>;
  close?(): void | Promise<void>;
}

/** Creates the handler of a StreamResource: `path` is its `uri` as a local path (a directory ends in `/`). */
export type StreamHandlerFactory = (
  path: string,
  parameters: Readonly<Record<string, unknown>>,
  resource: StreamResource,
  files: FileAccess,
) => StreamHandler | Promise<StreamHandler>;
