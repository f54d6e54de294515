// What one server serves: a root catalog (its runs keyed by uid at the root, as Tiled's CatalogOfBlueskyRuns),
// named catalogs (each under its name, as Tiled serves a tree of containers: the Python client's `c["csx"]`),
// or both. The one place a request's path is split into the catalog it enters and the rest: a catalog's name
// first, then a run of the root catalog.
import type { Broker } from "../broker/index.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

/** A catalog of the tree and where it is mounted: `[]` for the root catalog, `[name]` for a named one. */
export interface MountedCatalog {
  broker: Broker;
  path: readonly string[];
}

/** Where a node path leads: into a catalog (and the path within it), or to the tree's own root. */
export type Located = { catalog: MountedCatalog; rest: readonly string[] } | { treeRoot: true };

/** Why `name` cannot name a catalog in a path; undefined when it can. */
export function catalogNameProblem(name: string): string | undefined {
  if (name === "") return "a catalog name must not be empty";
  if (name.includes("/")) return `catalog name ${JSON.stringify(name)} must not hold '/'`;
  if (name.startsWith(".")) return `catalog name ${JSON.stringify(name)} must not start with '.'`;
  return undefined;
}

export class CatalogTree {
  private constructor(
    /** The catalog served at the root, when there is one. */
    readonly root: Broker | undefined,
    /** The named catalogs, in listing order. */
    readonly named: ReadonlyMap<string, Broker>,
  ) {}

  /** A tree of `root` and/or `catalogs` (insertion order = listing order); names are checked here. */
  static of(root: Broker | undefined, catalogs: Record<string, Broker> = {}): CatalogTree {
    for (const name of Object.keys(catalogs)) {
      const problem = catalogNameProblem(name);
      if (problem) throw new ValidationError(problem);
    }
    const named = new Map(Object.entries(catalogs));
    if (root === undefined && named.size === 0)
      throw new ValidationError("a server needs a catalog to serve: a root catalog or named catalogs");
    return new CatalogTree(root, named);
  }

  /**
   * The catalog of the routes that take no path (ingest, keys, the live listing without `catalog=`) and
   * whose access data signs callers in: the root catalog, else the first named one.
   */
  get primary(): Broker {
    return this.root ?? [...this.named.values()][0];
  }

  get names(): string[] {
    return [...this.named.keys()];
  }

  /** The same tree with each catalog's brokers changed by `change` (a search budget, say). */
  map(change: (broker: Broker) => Broker): CatalogTree {
    const named: Record<string, Broker> = {};
    for (const [name, broker] of this.named) named[name] = change(broker);
    return new CatalogTree(this.root && change(this.root), new Map(Object.entries(named)));
  }

  /** The catalog a node path enters: a catalog's name first, else the root catalog (its runs by uid). */
  locate(path: readonly string[]): Located {
    const [first, ...rest] = path;
    const named = first === undefined ? undefined : this.named.get(first);
    if (named) return { catalog: { broker: named, path: [first] }, rest };
    if (this.root) return { catalog: { broker: this.root, path: [] }, rest: path };
    if (first === undefined) return { treeRoot: true };
    throw this.noSuchCatalog(first);
  }

  /**
   * The catalog a `catalog` query parameter names, for routes that take no path (absent or empty: the
   * primary catalog).
   */
  catalogNamed(name: string | null | undefined): Broker {
    if (name === null || name === undefined || name === "") return this.primary;
    const broker = this.named.get(name);
    if (!broker) throw this.noSuchCatalog(name);
    return broker;
  }

  private noSuchCatalog(name: string): NotFoundError {
    return new NotFoundError(
      `No such entry: ['${name}'] is not a catalog of this server (catalogs: ${this.names.join(", ")})`,
    );
  }
}
