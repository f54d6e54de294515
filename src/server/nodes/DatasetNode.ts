// An `xarray_dataset` container (a stream's data or timestamps, a device's configuration): one array node
// per variable, and the whole as a Table for /container/full and the table routes.
import { NotFoundError } from "../../errors.ts";
import type { Table } from "../../tables/Table.ts";
import type { DatasetSource } from "./DatasetSource.ts";
import type { ContainerNode, Spec, TableSelection } from "./Node.ts";
import { VariableNode } from "./VariableNode.ts";

export class DatasetNode implements ContainerNode {
  readonly family = "container";
  readonly specs: Spec[] = [{ name: "xarray_dataset", version: null }];
  readonly sorting = null;

  constructor(
    readonly path: readonly string[],
    private readonly source: DatasetSource,
  ) {}

  metadata(): Record<string, unknown> {
    return { attrs: {} };
  }

  async count(): Promise<number> {
    return this.source.variables.length;
  }

  async keys(): Promise<string[]> {
    // Whoever lists the variables describes them all next.
    this.source.willReadAll?.();
    return [...this.source.variables];
  }

  async child(key: string): Promise<VariableNode> {
    if (!this.source.variables.includes(key)) throw new NotFoundError(`No such entry: ${key}`);
    return new VariableNode([...this.path, key], this.source, key);
  }

  /** `time` and the named variables (every variable when none are named), external data filled by default. */
  async table(names?: readonly string[], selection: TableSelection = {}): Promise<Table> {
    const wanted = names === undefined || names.length === 0 ? this.source.variables : names;
    for (const name of wanted) await this.child(name);
    return this.source.table(wanted, selection);
  }
}
