// A node path to its node, walking from the catalog; any missing key is Tiled's 404 `No such entry: [...]`.
import type { Broker } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import { CatalogNode } from "./CatalogNode.ts";
import type { Node } from "./Node.ts";

function pythonList(path: readonly string[]): string {
  return `[${path.map((key) => `'${key}'`).join(", ")}]`;
}

export async function resolveNode(broker: Broker, path: readonly string[]): Promise<Node> {
  let node: Node = new CatalogNode(broker);
  for (const key of path) {
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
