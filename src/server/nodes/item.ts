// A node as Tiled's ITEM: {id, attributes: {ancestors, structure_family, specs, metadata, structure,
// sorting, data_sources, access_blob}, links, meta}; `fields` narrows the attributes (empty: ids only).
import type { Links } from "../links.ts";
import { keyOf, type Node } from "./Node.ts";

export type Item = {
  id: string;
  attributes: Record<string, unknown>;
  links: Record<string, string>;
  meta: Record<string, unknown>;
};

function wants(fields: Set<string> | undefined, attribute: string): boolean {
  return fields === undefined || fields.has(attribute);
}

export async function itemOf(node: Node, links: Links, fields?: Set<string>): Promise<Item> {
  const id = keyOf(node);
  const ancestors = node.path.slice(0, -1);
  const self = links.route("metadata", node.path);
  if (fields !== undefined && fields.size === 0)
    return { id, attributes: { ancestors }, links: { self }, meta: {} };
  const attributes: Record<string, unknown> = { ancestors };
  if (wants(fields, "structure_family")) attributes.structure_family = node.family;
  if (wants(fields, "specs")) attributes.specs = node.specs;
  if (wants(fields, "metadata")) attributes.metadata = node.metadata();
  if (node.family === "container") {
    if (wants(fields, "structure") || wants(fields, "count"))
      attributes.structure = { contents: null, count: await node.count() };
    if (wants(fields, "sorting")) attributes.sorting = node.sorting;
    if (wants(fields, "data_sources")) attributes.data_sources = null;
    if (wants(fields, "access_blob")) attributes.access_blob = {};
    return { id, attributes, links: links.container(node.path), meta: {} };
  }
  const structure = await node.structure();
  if (wants(fields, "structure")) attributes.structure = structure;
  if (wants(fields, "data_sources")) attributes.data_sources = null;
  if (wants(fields, "access_blob")) attributes.access_blob = {};
  return { id, attributes, links: links.array(node.path, structure.shape.length), meta: {} };
}
