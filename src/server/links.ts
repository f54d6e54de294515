// Absolute links, built from the request's protocol and host, as the Python client follows them verbatim.
// Container links (self, search, full) never carry a query string: the client appends to them.
import type { FastifyRequest } from "fastify";

export const API_PREFIX = "/api/v1";

export type ContainerLinks = { self: string; search: string; full: string };
export type ArrayLinks = { self: string; full: string; block: string };

export class Links {
  /** `http://host:port/api/v1` */
  readonly api: string;

  constructor(readonly base: string) {
    this.api = `${base}${API_PREFIX}`;
  }

  static of(request: FastifyRequest): Links {
    return new Links(`${request.protocol}://${request.host}`);
  }

  /** `API/<route>/<path>`; the root path keeps the trailing slash (`API/metadata/`). */
  route(route: string, path: readonly string[]): string {
    return `${this.api}/${route}/${path.map(encodeURIComponent).join("/")}`;
  }

  container(path: readonly string[]): ContainerLinks {
    return {
      self: this.route("metadata", path),
      search: this.route("search", path),
      full: this.route("container/full", path),
    };
  }

  /** Array links; `block` is Tiled's template with one `{i}` per dimension. */
  array(path: readonly string[], ndim: number): ArrayLinks {
    const template = Array.from({ length: ndim }, (_, i) => `{${i}}`).join(",");
    return {
      self: this.route("metadata", path),
      full: this.route("array/full", path),
      block: `${this.route("array/block", path)}?block=${template}`,
    };
  }
}
