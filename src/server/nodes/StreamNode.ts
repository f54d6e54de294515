// A stream of a run (spec BlueskyEventStream "1"): metadata {descriptors, stream_name} and the four
// children the v2 client reads: data, timestamps, config, config_timestamps.
import type { Stream } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import { ConfigNode } from "./ConfigNode.ts";
import { DatasetNode } from "./DatasetNode.ts";
import type { ContainerNode, Node, Spec } from "./Node.ts";
import { StreamDataset } from "./StreamDataset.ts";

const CHILDREN = ["data", "timestamps", "config", "config_timestamps"] as const;

export class StreamNode implements ContainerNode {
  readonly family = "container";
  readonly specs: Spec[] = [{ name: "BlueskyEventStream", version: "1" }];
  readonly sorting = null;

  constructor(
    readonly path: readonly string[],
    private readonly stream: Stream,
  ) {}

  metadata(): Record<string, unknown> {
    return { descriptors: this.stream.descriptors, stream_name: this.stream.name };
  }

  async count(): Promise<number> {
    return CHILDREN.length;
  }

  async keys(): Promise<string[]> {
    return [...CHILDREN];
  }

  async child(key: string): Promise<Node> {
    const path = [...this.path, key];
    switch (key) {
      case "data":
      case "timestamps":
        return new DatasetNode(path, new StreamDataset(this.stream, key));
      case "config":
      case "config_timestamps":
        return new ConfigNode(path, this.stream, key);
      default:
        throw new NotFoundError(`No such entry: ${key}`);
    }
  }
}
