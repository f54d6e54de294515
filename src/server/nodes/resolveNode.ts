// A node path to its node, walking from the catalog the path enters (CatalogTree.ts); any missing key is
// Tiled's 404 `No such entry: [...]`.
import type { Broker } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { CatalogNode } from "./CatalogNode.ts";
import { CatalogsNode } from "./CatalogsNode.ts";
import type { Node } from "./Node.ts";

function pythonList(path: readonly string[]): string {
  return `[${path.map((key) => `'${key}'`).join(", ")}]`;
}

/** The node at `path` of `tree`, each catalog seen through `view` (the caller's view of it). */
export async function resolveNode(
  tree: CatalogTree,
  path: readonly string[],
  view: (broker: Broker) => Broker,
): Promise<Node> {
  const located = tree.locate(path);
  if ("treeRoot" in located) return new CatalogsNode(tree, view);
  const { catalog, rest } = located;
  let node: Node = new CatalogNode(view(catalog.broker), catalog.path);
  for (const key of rest) {
    if (node.family !== "container") throw new NotFoundError(`No such entry: ${pythonList(path)}`);
    try {
      node = await node.child(key);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(`No such entry: ${pythonList(path)}`);
      throw error;
    }
  }
  return node;
}
