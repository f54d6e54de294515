// A container as Tiled's JSON export: `{metadata, contents: {key: ...}}` down the tree, arrays as their
// metadata and structure (no array data).
import type { Node } from "../nodes/Node.ts";

export async function containerTree(node: Node): Promise<Record<string, unknown>> {
  if (node.family === "array") return { metadata: node.metadata(), structure: await node.structure() };
  const contents: Record<string, unknown> = {};
  for (const key of await node.keys()) contents[key] = await containerTree(await node.child(key));
  return { metadata: node.metadata(), contents };
}
