// The registry of handler factories: by Resource `spec` (NPY_SEQ, AD_HDF5, ...) and by StreamResource
// `mimetype`. Registering a name again replaces its handler, so users can override the built-ins.
import type { ResourceHandlerFactory, StreamHandlerFactory } from "./Handler.ts";

/** Mimetypes compare without case and without the spaces some writers put after `;`. */
export function normalizeMimetype(mimetype: string): string {
  return mimetype.toLowerCase().replace(/\s+/g, "");
}

export class HandlerRegistry {
  private readonly bySpec = new Map<string, ResourceHandlerFactory>();
  private readonly byMimetype = new Map<string, StreamHandlerFactory>();

  registerHandler(spec: string, factory: ResourceHandlerFactory): this {
    this.bySpec.set(spec, factory);
    return this;
  }

  registerStreamHandler(mimetype: string, factory: StreamHandlerFactory): this {
    this.byMimetype.set(normalizeMimetype(mimetype), factory);
    return this;
  }

  handlerFor(spec: string): ResourceHandlerFactory | undefined {
    return this.bySpec.get(spec);
  }

  streamHandlerFor(mimetype: string): StreamHandlerFactory | undefined {
    return this.byMimetype.get(normalizeMimetype(mimetype));
  }

  get specs(): string[] {
    return [...this.bySpec.keys()].sort();
  }

  get mimetypes(): string[] {
    return [...this.byMimetype.keys()].sort();
  }

  /** An independent copy, to change without touching the original. */
  clone(): HandlerRegistry {
    const copy = new HandlerRegistry();
    for (const [spec, factory] of this.bySpec) copy.registerHandler(spec, factory);
    for (const [mimetype, factory] of this.byMimetype) copy.registerStreamHandler(mimetype, factory);
    return copy;
  }
}
