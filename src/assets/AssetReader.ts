// Reads the external arrays behind Datums and StreamDatums: finds the handler for the resource's spec
// or mimetype, creates it once per resource (cached), and raises typed errors that name everything. Files
// are read only from the file roots (the root_map targets and the roots given), each read within the size
// its data key declares; the same roots decide which Resources an ingest accepts.
import type { DataKey, Resource, StreamResource } from "../documents/types.ts";
import type { Finding } from "../errors.ts";
import { UnsupportedError, ValidationError } from "../errors.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { builtinHandlers } from "./builtinHandlers.ts";
import { type AssetContext, inContext } from "./errorContext.ts";
import { FileRoots } from "./FileRoots.ts";
import { FileAccess } from "./fileAccess.ts";
import type { ResourceHandler, StreamHandler, StreamIndices } from "./Handler.ts";
import type { HandlerRegistry } from "./HandlerRegistry.ts";
import { type RootMap, resourcePath, streamResourcePath } from "./paths.ts";
import { DEFAULT_MAX_READ_BYTES, ReadBudget } from "./ReadBudget.ts";
import { resourcePathFindings } from "./resourcePathCheck.ts";

/** The part of a Datum the reader needs (a row of a DatumPage will do). */
export interface DatumReference {
  datum_id: string;
  datum_kwargs: Readonly<Record<string, unknown>>;
  /** When given, it must be the resource's uid. */
  resource?: string;
}

/** The part of a StreamDatum the reader needs. */
export interface StreamDatumReference {
  uid: string;
  indices: StreamIndices;
  stream_resource?: string;
}

export interface AssetReaderOptions {
  /** Handlers to use; the built-ins by default. */
  registry?: HandlerRegistry;
  /** databroker's root_map: a Resource `root` (or a StreamResource path prefix) -> where the files are now. */
  rootMap?: RootMap;
  /**
   * Directories external files may be read from, besides the root_map targets (which always are); none by
   * default. `["/"]` reads any file: only for trusted local use, never for a server.
   */
  fileRoots?: readonly string[];
  /** The most bytes one read may take, whatever the documents declare (default 1 GiB). */
  maxReadBytes?: number;
  /** Told each file a handler opens (FileAccess), by the path it asked for. */
  onOpen?: (path: string) => void;
}

function kwargsText(kwargs: unknown): string {
  return JSON.stringify(kwargs ?? {}, (_key, value) => (typeof value === "bigint" ? String(value) : value));
}

export class AssetReader {
  readonly registry: HandlerRegistry;
  readonly rootMap: RootMap;
  readonly roots: FileRoots;
  readonly maxReadBytes: number;
  private readonly onOpen?: (path: string) => void;
  private readonly handlers = new Map<string, Promise<ResourceHandler>>();
  private readonly streamHandlers = new Map<string, Promise<StreamHandler>>();

  constructor(options: AssetReaderOptions = {}) {
    this.registry = options.registry ?? builtinHandlers();
    this.rootMap = options.rootMap ?? {};
    this.roots = new FileRoots([...(options.fileRoots ?? []), ...Object.values(this.rootMap)]);
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.onOpen = options.onOpen;
  }

  /** File access for one read of `rows` values of `declared` (or, without it, of at most the cap). */
  private access(declared: DataKey | undefined, rows: number): FileAccess {
    return new FileAccess(this.roots, ReadBudget.declared(declared, rows, this.maxReadBytes), this.onOpen);
  }

  /** The ingest rule `file-root` for one Resource or StreamResource (see resourcePathCheck.ts). */
  readonly resourcePathFindings = (
    name: "resource" | "stream_resource",
    doc: Readonly<Record<string, unknown>>,
  ): Finding[] => resourcePathFindings(name, doc, this.roots, this.rootMap);

  /** Where a Resource's file (or directory) is, `root_map` applied. */
  pathOf(resource: Resource | StreamResource): string {
    return "uri" in resource
      ? streamResourcePath(resource.uri, this.rootMap)
      : resourcePath(resource, this.rootMap);
  }

  /**
   * The array of one Datum of `resource`; `declared`, the data key it fills, bounds the bytes read (times
   * `resource_kwargs.frame_per_point`, area detectors' frames per datum).
   */
  async readDatum(resource: Resource, datum: DatumReference, declared?: DataKey): Promise<NDArray> {
    const context: AssetContext = {
      resource: `resource ${resource.uid}`,
      kind: `spec ${resource.spec}`,
      path: resourcePath(resource, this.rootMap),
      datum: `datum ${datum.datum_id} ${kwargsText(datum.datum_kwargs)}`,
    };
    try {
      if (datum.resource !== undefined && datum.resource !== resource.uid) {
        throw new ValidationError(`the datum belongs to resource ${datum.resource}`);
      }
      const handler = await this.cached(this.handlers, resource.uid, () => {
        const factory = this.registry.handlerFor(resource.spec);
        if (!factory) {
          throw new UnsupportedError(
            `no handler for spec "${resource.spec}" (known: ${this.registry.specs.join(", ")})`,
          );
        }
        return factory(context.path, resource.resource_kwargs ?? {}, resource, this.access(undefined, 1));
      });
      const frames = resource.resource_kwargs?.frame_per_point;
      const rows = typeof frames === "number" && frames > 1 ? frames : 1;
      return await handler.read(datum.datum_kwargs ?? {}, this.access(declared, rows));
    } catch (error) {
      throw inContext(error, context);
    }
  }

  /** The rows [start, stop) of `resource` that one StreamDatum points at; `declared` bounds the bytes read. */
  async readStreamDatum(
    resource: StreamResource,
    datum: StreamDatumReference,
    declared?: DataKey,
  ): Promise<NDArray> {
    const { start, stop } = datum.indices ?? ({} as StreamIndices);
    const context: AssetContext = {
      resource: `stream resource ${resource.uid}`,
      kind: `mimetype ${resource.mimetype}`,
      path: resource.uri,
      datum: `stream datum ${datum.uid} indices [${start}, ${stop})`,
    };
    try {
      context.path = streamResourcePath(resource.uri, this.rootMap);
      if (datum.stream_resource !== undefined && datum.stream_resource !== resource.uid) {
        throw new ValidationError(`the stream datum belongs to stream resource ${datum.stream_resource}`);
      }
      if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start) {
        throw new ValidationError("indices must be integers with 0 <= start <= stop");
      }
      const handler = await this.cached(this.streamHandlers, resource.uid, () => {
        const factory = this.registry.streamHandlerFor(resource.mimetype);
        if (!factory) {
          const known = this.registry.mimetypes.join(", ");
          throw new UnsupportedError(`no handler for mimetype "${resource.mimetype}" (known: ${known})`);
        }
        return factory(context.path, resource.parameters ?? {}, resource, this.access(undefined, 1));
      });
      return await handler.read({ start, stop }, this.access(declared, stop - start));
    } catch (error) {
      throw inContext(error, context);
    }
  }

  /** One handler per resource uid; a failed creation is forgotten so that a later call can retry. */
  private cached<H>(cache: Map<string, Promise<H>>, uid: string, create: () => H | Promise<H>): Promise<H> {
    let handler = cache.get(uid);
    if (!handler) {
      handler = Promise.resolve().then(create);
      cache.set(uid, handler);
      handler.catch(() => cache.delete(uid));
    }
    return handler;
  }

  /** Closes every handler created so far (open HDF5 files) and forgets them. */
  async close(): Promise<void> {
    const all = [...this.handlers.values(), ...this.streamHandlers.values()];
    this.handlers.clear();
    this.streamHandlers.clear();
    for (const settled of await Promise.allSettled(all)) {
      if (settled.status === "fulfilled") await settled.value.close?.();
    }
  }
}
