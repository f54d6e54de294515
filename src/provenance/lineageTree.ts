// A lineage graph as an indented tree for people: the run first, then each input (`<-`) or derived run
// (`->`) one level deeper per step. A run reached a second time (a shared input) is printed once in full
// and then as "(shown above)", so a graph of any shape prints in lines proportional to its edges.
import { type LineageGraph, type LineageNode, nodeId } from "./lineage.ts";

function label(node: LineageNode | undefined, id: string): string {
  if (!node || !("uid" in node)) return "(a run you may not read)";
  const scan = node.scan_id === null ? "" : `  scan_id ${node.scan_id}`;
  const plan = node.plan_name === null ? "" : `  ${node.plan_name}`;
  return `${id}${scan}${plan}`;
}

export function lineageTree(graph: LineageGraph): string[] {
  const nodes = new Map(graph.nodes.map((node) => [nodeId(node), node]));
  const inputsOf = new Map<string, string[]>();
  const derivedOf = new Map<string, string[]>();
  for (const { from, to } of graph.edges) {
    inputsOf.set(to, [...(inputsOf.get(to) ?? []), from]);
    derivedOf.set(from, [...(derivedOf.get(from) ?? []), to]);
  }
  const lines = [label(nodes.get(graph.root), graph.root)];
  const branch = (
    id: string,
    neighbours: Map<string, string[]>,
    arrow: string,
    indent: string,
    shown: Set<string>,
  ) => {
    for (const next of neighbours.get(id) ?? []) {
      const again = shown.has(next);
      lines.push(`${indent}${arrow} ${label(nodes.get(next), next)}${again ? "  (shown above)" : ""}`);
      if (again) continue;
      shown.add(next);
      branch(next, neighbours, arrow, `${indent}   `, shown);
    }
  };
  branch(graph.root, inputsOf, "<-", "  ", new Set([graph.root]));
  branch(graph.root, derivedOf, "->", "  ", new Set([graph.root]));
  return lines;
}
