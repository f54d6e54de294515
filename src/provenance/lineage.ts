// The lineage graph around a run: its inputs and theirs (upstream), the runs derived from it and from those
// (downstream), to any depth, walked breadth first and never twice through one run. A run the viewer may
// not read becomes a node {inaccessible: true, id: "hidden-N"} with no uid, and the walk stops there: a
// record never grants access to its inputs. Each hidden input is its own node, so the graph does not even
// tell whether two hidden inputs are one run.
import type { RunStart } from "../documents/types.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { inputUidsOf } from "./ProvenanceRecord.ts";
import type { ReadableRuns } from "./ReadableRuns.ts";

export const LINEAGE_DIRECTIONS = ["inputs", "derived", "both"] as const;
export type LineageDirection = (typeof LINEAGE_DIRECTIONS)[number];

export interface LineageOptions {
  /** How many steps from the run (default: no limit). 0 is the run alone. */
  depth?: number;
  /** Upstream (`inputs`, the default), downstream (`derived`), or both. */
  direction?: LineageDirection;
}

/** A run the viewer may read. */
export interface VisibleLineageNode {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  time: number;
  /** Whether it carries a provenance record of its own. */
  derived: boolean;
}

export interface HiddenLineageNode {
  inaccessible: true;
  id: string;
}

export type LineageNode = VisibleLineageNode | HiddenLineageNode;

/** Data flows from `from` (an input) to `to` (the run derived from it); ends are uids or hidden ids. */
export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** The id of a node in edges: its uid, or its hidden id. */
export function nodeId(node: LineageNode): string {
  return "uid" in node ? node.uid : node.id;
}

/** Checks lineage options that come from outside (HTTP, the command line), naming the rule a bad one breaks. */
export function checkedLineageOptions(options: LineageOptions): Required<LineageOptions> {
  const { depth = Number.POSITIVE_INFINITY, direction = "inputs" } = options;
  if (depth !== Number.POSITIVE_INFINITY && !(Number.isInteger(depth) && depth >= 0))
    throw new ValidationError(`lineage depth must be a whole number of 0 or more, got ${depth}`);
  if (!LINEAGE_DIRECTIONS.includes(direction))
    throw new ValidationError(
      `lineage direction must be one of ${LINEAGE_DIRECTIONS.join(", ")}, got ${JSON.stringify(direction)}`,
    );
  return { depth, direction };
}

function visibleNode(start: RunStart): VisibleLineageNode {
  return {
    uid: start.uid,
    scan_id: typeof start.scan_id === "number" ? start.scan_id : null,
    plan_name: typeof start.plan_name === "string" ? start.plan_name : null,
    time: start.time,
    derived: inputUidsOf(start).length > 0,
  };
}

class GraphBuilder {
  readonly nodes = new Map<string, LineageNode>();
  private readonly edges = new Map<string, LineageEdge>();
  private hidden = 0;

  visible(start: RunStart): boolean {
    if (this.nodes.has(start.uid)) return false;
    this.nodes.set(start.uid, visibleNode(start));
    return true;
  }

  hiddenNode(): string {
    const id = `hidden-${++this.hidden}`;
    this.nodes.set(id, { inaccessible: true, id });
    return id;
  }

  edge(from: string, to: string): void {
    this.edges.set(`${from}\u0000${to}`, { from, to });
  }

  graph(root: string): LineageGraph {
    return { root, nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

/** One breadth-first walk from the root in one direction; `next` gives a run's neighbours that way. */
async function walk(
  root: RunStart,
  depth: number,
  builder: GraphBuilder,
  next: (start: RunStart) => Promise<Array<RunStart | undefined>>,
  edge: (neighbour: string, current: string) => void,
): Promise<void> {
  const seen = new Set([root.uid]);
  let frontier = [root];
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    const following: RunStart[] = [];
    for (const current of frontier) {
      for (const neighbour of await next(current)) {
        if (neighbour === undefined) {
          edge(builder.hiddenNode(), current.uid);
          continue;
        }
        builder.visible(neighbour);
        edge(neighbour.uid, current.uid);
        if (!seen.has(neighbour.uid)) {
          seen.add(neighbour.uid);
          following.push(neighbour);
        }
      }
    }
    frontier = following;
  }
}

/** The lineage graph of the run `uid` as `readable` (the viewer) may see it; the run itself must be readable. */
export async function lineageOf(
  uid: string,
  readable: ReadableRuns,
  options: LineageOptions = {},
): Promise<LineageGraph> {
  const { depth, direction } = checkedLineageOptions(options);
  const root = await readable.start(uid);
  if (!root) throw new NotFoundError(`no run ${uid}`);
  const builder = new GraphBuilder();
  builder.visible(root);
  if (direction !== "derived")
    await walk(
      root,
      depth,
      builder,
      (start) => Promise.all(inputUidsOf(start).map((input) => readable.start(input))),
      (input, derived) => builder.edge(input, derived),
    );
  if (direction !== "inputs")
    await walk(
      root,
      depth,
      builder,
      (start) => readable.derivedFrom(start.uid),
      (derived, input) => builder.edge(input, derived),
    );
  return builder.graph(root.uid);
}
