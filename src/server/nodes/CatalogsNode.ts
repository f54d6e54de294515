// The root of a server that serves named catalogs and no root catalog: a plain container (no spec: it holds
// catalogs, not runs, and no bluesky spec names such a thing) whose children are the catalogs by name, each a
// CatalogOfBlueskyRuns. The search route lists it as any small container: keys, paging, count, `lookup`.
import type { Broker } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { CatalogNode } from "./CatalogNode.ts";
import type { ContainerNode, Spec } from "./Node.ts";

export class CatalogsNode implements ContainerNode {
  readonly family = "container";
  readonly path: readonly string[] = [];
  readonly specs: Spec[] = [];
  readonly sorting = null;

  constructor(
    private readonly tree: CatalogTree,
    /** A catalog as the caller sees it (visibleCatalog.ts). */
    private readonly view: (broker: Broker) => Broker,
  ) {}

  metadata(): Record<string, unknown> {
    return {};
  }

  async count(): Promise<number> {
    return this.tree.named.size;
  }

  async keys(): Promise<string[]> {
    return this.tree.names;
  }

  async child(key: string): Promise<CatalogNode> {
    const broker = this.tree.named.get(key);
    if (!broker) throw new NotFoundError(`No such entry: ${key}`);
    return new CatalogNode(this.view(broker), [key]);
  }
}
