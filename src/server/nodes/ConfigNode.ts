// A stream's `config` or `config_timestamps`: a plain container with one dataset per configured device.
import type { Stream } from "../../broker/index.ts";
import { NotFoundError } from "../../errors.ts";
import { ConfigDataset, type ConfigPart, configuredDevices } from "./ConfigDataset.ts";
import { DatasetNode } from "./DatasetNode.ts";
import type { ContainerNode, Spec } from "./Node.ts";

export class ConfigNode implements ContainerNode {
  readonly family = "container";
  readonly specs: Spec[] = [];
  readonly sorting = null;

  constructor(
    readonly path: readonly string[],
    private readonly stream: Stream,
    private readonly part: ConfigPart,
  ) {}

  metadata(): Record<string, unknown> {
    return {};
  }

  async count(): Promise<number> {
    return configuredDevices(this.stream).length;
  }

  async keys(): Promise<string[]> {
    return configuredDevices(this.stream);
  }

  async child(key: string): Promise<DatasetNode> {
    if (!configuredDevices(this.stream).includes(key)) throw new NotFoundError(`No such entry: ${key}`);
    return new DatasetNode([...this.path, key], new ConfigDataset(this.stream, key, this.part));
  }
}
